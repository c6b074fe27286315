using System;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples.Qemu;

/// <summary>
/// QEMU 7.2's e1000 NIC (<c>hw/net/e1000.c</c>) exactly as its vmsd <c>e1000</c> (version 2, oldest 1) saves it: the PCI
/// device structure, the unused words, the EEPROM/TSO/transmit state, EEPROM and PHY registers, 37 MAC registers one by one,
/// the RA/MTA/VFTA register ranges, and the subsections <c>e1000/mit_state</c>, <c>e1000/full_mac_state</c> and
/// <c>e1000/tx_tso_state</c>.
/// </summary>
/// <remarks>
/// QEMU sends the three subsections according to the device's compatibility flags (properties <c>mitigation</c>,
/// <c>extra_mac_registers</c>, <c>migrate_tso_props</c>, all on for 7.2 machines), which this model keeps as
/// <see cref="MitigationFlag"/>, <see cref="FullMacFlag"/> and <see cref="TsoFlag"/>; a load sets each from the
/// subsection's presence. All MAC registers live in <see cref="MacReg"/>, indexed by register offset / 4, as in QEMU, so
/// the registers saved one by one and the full register file agree.
/// </remarks>
public sealed class QemuE1000 : IDeviceState
{
    /// <summary>The number of 32-bit MAC registers.</summary>
    public const int MacRegCount = 0x8000;

    /// <summary>The device type: vmsd <c>e1000</c>, versions 1 to 2.</summary>
    public static readonly DeviceType DeviceType = new(
        "e1000",
        "urn:migfmt:qemu-7.2:e1000",
        currentVersion: 2,
        minimumVersion: 1,
        version => new QemuE1000(version),
        "QEMU 7.2 e1000 NIC (vmsd e1000)");

    private static readonly int[] RegisterIndexes =
    [
        0x0, 0x4, 0x5, 0x101D, 0x1020, 0x30, 0x32, 0x36, 0x34, 0x380, 0x1608, 0x8, 0x1004, 0x400, 0x40, 0xA01, 0xA00, 0xA04, 0xA02, 0xA06, 0x2, 0x16D4, 0x100,
        0xE01, 0xE00, 0xE04, 0xE02, 0xE06, 0x1031, 0x1030, 0x1033, 0x1032, 0x1034, 0x1035, 0xE0A, 0x1602, 0xE
    ];
    private static readonly int[] MitIndexes = [0xA08, 0xA0B, 0xE0B, 0x31];

    private int _pciVersionId = 2;
    private bool _mitIrqLevel;
    private bool _mitigationFlag = true;
    private bool _fullMacFlag = true;
    private bool _tsoFlag = true;
    private uint _rxbufSize;
    private uint _rxbufMinShift;
    private uint _eecdValIn;
    private ushort _eecdBitnumIn;
    private ushort _eecdBitnumOut;
    private ushort _eecdReading;
    private uint _eecdOldEecd;
    private byte _migIpcss;
    private byte _migIpcso;
    private ushort _migIpcse;
    private byte _migTucss;
    private byte _migTucso;
    private ushort _migTucse;
    private uint _migPaylen;
    private byte _migHdrLen;
    private ushort _migMss;
    private ushort _txSize;
    private ushort _txTsoFrames;
    private byte _txSumNeeded;
    private sbyte _migIp;
    private sbyte _migTcp;
    private byte _tsoIpcss;
    private byte _tsoIpcso;
    private ushort _tsoIpcse;
    private byte _tsoTucss;
    private byte _tsoTucso;
    private ushort _tsoTucse;
    private uint _tsoPaylen;
    private byte _tsoHdrLen;
    private ushort _tsoMss;
    private sbyte _tsoIp;
    private sbyte _tsoTcp;

    /// <summary>Creates an e1000 running as <paramref name="version"/>.</summary>
    /// <param name="version">The section version (1 or 2).</param>
    public QemuE1000(int version = 2) => Version = version;

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <summary>Gets or sets the PCI device's saved version id.</summary>
    public int PciVersionId { get => _pciVersionId; set => _pciVersionId = value; }

    /// <summary>Gets the PCI configuration space (256 bytes).</summary>
    public byte[] PciConfig { get; } = new byte[256];

    /// <summary>Gets the PCI interrupt pin states (4).</summary>
    public uint[] PciIrqState { get; } = new uint[4];

    /// <summary>Gets the unused word that was the instance id (version 1 only).</summary>
    public byte[] UnusedInstanceId { get; } = new byte[4];

    /// <summary>Gets the unused word that was the MMIO base.</summary>
    public byte[] UnusedMmioBase { get; } = new byte[4];

    /// <summary>Gets the transmit header buffer (256 bytes).</summary>
    public byte[] TxHeader { get; } = new byte[256];

    /// <summary>Gets the transmit data buffer (65536 bytes).</summary>
    public byte[] TxData { get; } = new byte[0x10000];

    /// <summary>Gets the EEPROM contents (64 words).</summary>
    public ushort[] EepromData { get; } = new ushort[64];

    /// <summary>Gets the PHY registers (32).</summary>
    public ushort[] PhyReg { get; } = new ushort[0x20];

    /// <summary>Gets the MAC register file, indexed by register offset / 4.</summary>
    public uint[] MacReg { get; } = new uint[MacRegCount];

    /// <summary>Gets or sets the mitigation interrupt level (subsection <c>e1000/mit_state</c>).</summary>
    public bool MitIrqLevel { get => _mitIrqLevel; set => _mitIrqLevel = value; }

    /// <summary>Gets or sets a value indicating whether interrupt mitigation state is migrated.</summary>
    public bool MitigationFlag { get => _mitigationFlag; set => _mitigationFlag = value; }

    /// <summary>Gets or sets a value indicating whether the full MAC register file is migrated.</summary>
    public bool FullMacFlag { get => _fullMacFlag; set => _fullMacFlag = value; }

    /// <summary>Gets or sets a value indicating whether the TSO properties are migrated.</summary>
    public bool TsoFlag { get => _tsoFlag; set => _tsoFlag = value; }

    /// <summary>Gets or sets <c>rxbuf_size</c>.</summary>
    public uint RxbufSize { get => _rxbufSize; set => _rxbufSize = value; }

    /// <summary>Gets or sets <c>rxbuf_min_shift</c>.</summary>
    public uint RxbufMinShift { get => _rxbufMinShift; set => _rxbufMinShift = value; }

    /// <summary>Gets or sets <c>eecd_state.val_in</c>.</summary>
    public uint EecdValIn { get => _eecdValIn; set => _eecdValIn = value; }

    /// <summary>Gets or sets <c>eecd_state.bitnum_in</c>.</summary>
    public ushort EecdBitnumIn { get => _eecdBitnumIn; set => _eecdBitnumIn = value; }

    /// <summary>Gets or sets <c>eecd_state.bitnum_out</c>.</summary>
    public ushort EecdBitnumOut { get => _eecdBitnumOut; set => _eecdBitnumOut = value; }

    /// <summary>Gets or sets <c>eecd_state.reading</c>.</summary>
    public ushort EecdReading { get => _eecdReading; set => _eecdReading = value; }

    /// <summary>Gets or sets <c>eecd_state.old_eecd</c>.</summary>
    public uint EecdOldEecd { get => _eecdOldEecd; set => _eecdOldEecd = value; }

    /// <summary>Gets or sets <c>mig_props.ipcss</c>.</summary>
    public byte MigIpcss { get => _migIpcss; set => _migIpcss = value; }

    /// <summary>Gets or sets <c>mig_props.ipcso</c>.</summary>
    public byte MigIpcso { get => _migIpcso; set => _migIpcso = value; }

    /// <summary>Gets or sets <c>mig_props.ipcse</c>.</summary>
    public ushort MigIpcse { get => _migIpcse; set => _migIpcse = value; }

    /// <summary>Gets or sets <c>mig_props.tucss</c>.</summary>
    public byte MigTucss { get => _migTucss; set => _migTucss = value; }

    /// <summary>Gets or sets <c>mig_props.tucso</c>.</summary>
    public byte MigTucso { get => _migTucso; set => _migTucso = value; }

    /// <summary>Gets or sets <c>mig_props.tucse</c>.</summary>
    public ushort MigTucse { get => _migTucse; set => _migTucse = value; }

    /// <summary>Gets or sets <c>mig_props.paylen</c>.</summary>
    public uint MigPaylen { get => _migPaylen; set => _migPaylen = value; }

    /// <summary>Gets or sets <c>mig_props.hdr_len</c>.</summary>
    public byte MigHdrLen { get => _migHdrLen; set => _migHdrLen = value; }

    /// <summary>Gets or sets <c>mig_props.mss</c>.</summary>
    public ushort MigMss { get => _migMss; set => _migMss = value; }

    /// <summary>Gets or sets <c>tx.size</c>.</summary>
    public ushort TxSize { get => _txSize; set => _txSize = value; }

    /// <summary>Gets or sets <c>tx.tso_frames</c>.</summary>
    public ushort TxTsoFrames { get => _txTsoFrames; set => _txTsoFrames = value; }

    /// <summary>Gets or sets <c>tx.sum_needed</c>.</summary>
    public byte TxSumNeeded { get => _txSumNeeded; set => _txSumNeeded = value; }

    /// <summary>Gets or sets <c>mig_props.ip</c>.</summary>
    public sbyte MigIp { get => _migIp; set => _migIp = value; }

    /// <summary>Gets or sets <c>mig_props.tcp</c>.</summary>
    public sbyte MigTcp { get => _migTcp; set => _migTcp = value; }

    /// <summary>Gets or sets <c>tx.tso_props.ipcss</c>.</summary>
    public byte TsoIpcss { get => _tsoIpcss; set => _tsoIpcss = value; }

    /// <summary>Gets or sets <c>tx.tso_props.ipcso</c>.</summary>
    public byte TsoIpcso { get => _tsoIpcso; set => _tsoIpcso = value; }

    /// <summary>Gets or sets <c>tx.tso_props.ipcse</c>.</summary>
    public ushort TsoIpcse { get => _tsoIpcse; set => _tsoIpcse = value; }

    /// <summary>Gets or sets <c>tx.tso_props.tucss</c>.</summary>
    public byte TsoTucss { get => _tsoTucss; set => _tsoTucss = value; }

    /// <summary>Gets or sets <c>tx.tso_props.tucso</c>.</summary>
    public byte TsoTucso { get => _tsoTucso; set => _tsoTucso = value; }

    /// <summary>Gets or sets <c>tx.tso_props.tucse</c>.</summary>
    public ushort TsoTucse { get => _tsoTucse; set => _tsoTucse = value; }

    /// <summary>Gets or sets <c>tx.tso_props.paylen</c>.</summary>
    public uint TsoPaylen { get => _tsoPaylen; set => _tsoPaylen = value; }

    /// <summary>Gets or sets <c>tx.tso_props.hdr_len</c>.</summary>
    public byte TsoHdrLen { get => _tsoHdrLen; set => _tsoHdrLen = value; }

    /// <summary>Gets or sets <c>tx.tso_props.mss</c>.</summary>
    public ushort TsoMss { get => _tsoMss; set => _tsoMss = value; }

    /// <summary>Gets or sets <c>tx.tso_props.ip</c>.</summary>
    public sbyte TsoIp { get => _tsoIp; set => _tsoIp = value; }

    /// <summary>Gets or sets <c>tx.tso_props.tcp</c>.</summary>
    public sbyte TsoTcp { get => _tsoTcp; set => _tsoTcp = value; }

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        if (visitor.BeginStruct(Fields.ParentObj))
        {
            visitor.Field(Fields.PciVersionId, ref _pciVersionId);
            visitor.Field(Fields.PciConfig, PciConfig.AsSpan());
            visitor.Field(Fields.PciIrqState, PciIrqState.AsSpan());
            visitor.EndStruct();
        }

        visitor.Field(Fields.UnusedInstanceId, UnusedInstanceId.AsSpan());
        visitor.Field(Fields.UnusedMmioBase, UnusedMmioBase.AsSpan());
        visitor.Field(Fields.RxbufSize, ref _rxbufSize);
        visitor.Field(Fields.RxbufMinShift, ref _rxbufMinShift);
        visitor.Field(Fields.EecdValIn, ref _eecdValIn);
        visitor.Field(Fields.EecdBitnumIn, ref _eecdBitnumIn);
        visitor.Field(Fields.EecdBitnumOut, ref _eecdBitnumOut);
        visitor.Field(Fields.EecdReading, ref _eecdReading);
        visitor.Field(Fields.EecdOldEecd, ref _eecdOldEecd);
        visitor.Field(Fields.MigIpcss, ref _migIpcss);
        visitor.Field(Fields.MigIpcso, ref _migIpcso);
        visitor.Field(Fields.MigIpcse, ref _migIpcse);
        visitor.Field(Fields.MigTucss, ref _migTucss);
        visitor.Field(Fields.MigTucso, ref _migTucso);
        visitor.Field(Fields.MigTucse, ref _migTucse);
        visitor.Field(Fields.MigPaylen, ref _migPaylen);
        visitor.Field(Fields.MigHdrLen, ref _migHdrLen);
        visitor.Field(Fields.MigMss, ref _migMss);
        visitor.Field(Fields.TxSize, ref _txSize);
        visitor.Field(Fields.TxTsoFrames, ref _txTsoFrames);
        visitor.Field(Fields.TxSumNeeded, ref _txSumNeeded);
        visitor.Field(Fields.MigIp, ref _migIp);
        visitor.Field(Fields.MigTcp, ref _migTcp);
        visitor.Field(Fields.TxHeader, TxHeader.AsSpan());
        visitor.Field(Fields.TxData, TxData.AsSpan());
        visitor.Field(Fields.EepromData, EepromData.AsSpan());
        visitor.Field(Fields.PhyReg, PhyReg.AsSpan());
        for (int i = 0; i < RegisterIndexes.Length; i++)
        {
            visitor.Field(Fields.Registers[i], ref MacReg[RegisterIndexes[i]]);
        }

        visitor.Field(Fields.Ra, MacReg.AsSpan(0x5400 / 4, 32));
        visitor.Field(Fields.Mta, MacReg.AsSpan(0x5200 / 4, 128));
        visitor.Field(Fields.Vfta, MacReg.AsSpan(0x5600 / 4, 128));

        // QEMU sends each subsection while its compatibility flag is set, and the flags follow what a load found.
        if (visitor.BeginOptional(Fields.MitState, _mitigationFlag).Track(ref _mitigationFlag))
        {
            for (int i = 0; i < MitIndexes.Length; i++)
            {
                visitor.Field(Fields.MitRegisters[i], ref MacReg[MitIndexes[i]]);
            }

            visitor.Field(Fields.MitIrqLevel, ref _mitIrqLevel);
            visitor.EndOptional();
        }

        if (visitor.BeginOptional(Fields.FullMacState, _fullMacFlag).Track(ref _fullMacFlag))
        {
            visitor.Field(Fields.MacReg, MacReg.AsSpan());
            visitor.EndOptional();
        }

        if (visitor.BeginOptional(Fields.TxTsoState, _tsoFlag).Track(ref _tsoFlag))
        {
            visitor.Field(Fields.TsoIpcss, ref _tsoIpcss);
            visitor.Field(Fields.TsoIpcso, ref _tsoIpcso);
            visitor.Field(Fields.TsoIpcse, ref _tsoIpcse);
            visitor.Field(Fields.TsoTucss, ref _tsoTucss);
            visitor.Field(Fields.TsoTucso, ref _tsoTucso);
            visitor.Field(Fields.TsoTucse, ref _tsoTucse);
            visitor.Field(Fields.TsoPaylen, ref _tsoPaylen);
            visitor.Field(Fields.TsoHdrLen, ref _tsoHdrLen);
            visitor.Field(Fields.TsoMss, ref _tsoMss);
            visitor.Field(Fields.TsoIp, ref _tsoIp);
            visitor.Field(Fields.TsoTcp, ref _tsoTcp);
            visitor.EndOptional();
        }
    }

    /// <summary>The e1000's field specs, in QEMU's order.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("e1000");

        /// <summary>The PCI device structure (vmsd <c>PCIDevice</c> v2).</summary>
        public static readonly StructSpec ParentObj = Root.Struct("parent_obj", 0);

        /// <summary>PCI version id.</summary>
        public static readonly FieldSpec<int> PciVersionId = ParentObj.Members.Int32("version_id", 0);

        /// <summary>PCI configuration space.</summary>
        public static readonly ArrayFieldSpec<byte> PciConfig = ParentObj.Members.FixedBytes("config", 1, 256);

        /// <summary>PCI interrupt pin states.</summary>
        public static readonly ArrayFieldSpec<uint> PciIrqState = ParentObj.Members.Array<uint>("irq_state", 2, 4);

        /// <summary>Unused (was the instance id), version 1 only.</summary>
        public static readonly ArrayFieldSpec<byte> UnusedInstanceId = Root.FixedBytes("unused[0]", 1, 4, removedIn: 2);

        /// <summary>Unused (was the MMIO base).</summary>
        public static readonly ArrayFieldSpec<byte> UnusedMmioBase = Root.FixedBytes("unused[1]", 2, 4);

        /// <summary><c>rxbuf_size</c>.</summary>
        public static readonly FieldSpec<uint> RxbufSize = Root.UInt32("rxbuf_size", 3);

        /// <summary><c>rxbuf_min_shift</c>.</summary>
        public static readonly FieldSpec<uint> RxbufMinShift = Root.UInt32("rxbuf_min_shift", 4);

        /// <summary><c>eecd_state.val_in</c>.</summary>
        public static readonly FieldSpec<uint> EecdValIn = Root.UInt32("eecd_state.val_in", 5);

        /// <summary><c>eecd_state.bitnum_in</c>.</summary>
        public static readonly FieldSpec<ushort> EecdBitnumIn = Root.UInt16("eecd_state.bitnum_in", 6);

        /// <summary><c>eecd_state.bitnum_out</c>.</summary>
        public static readonly FieldSpec<ushort> EecdBitnumOut = Root.UInt16("eecd_state.bitnum_out", 7);

        /// <summary><c>eecd_state.reading</c>.</summary>
        public static readonly FieldSpec<ushort> EecdReading = Root.UInt16("eecd_state.reading", 8);

        /// <summary><c>eecd_state.old_eecd</c>.</summary>
        public static readonly FieldSpec<uint> EecdOldEecd = Root.UInt32("eecd_state.old_eecd", 9);

        /// <summary><c>mig_props.ipcss</c>.</summary>
        public static readonly FieldSpec<byte> MigIpcss = Root.UInt8("mig_props.ipcss", 10);

        /// <summary><c>mig_props.ipcso</c>.</summary>
        public static readonly FieldSpec<byte> MigIpcso = Root.UInt8("mig_props.ipcso", 11);

        /// <summary><c>mig_props.ipcse</c>.</summary>
        public static readonly FieldSpec<ushort> MigIpcse = Root.UInt16("mig_props.ipcse", 12);

        /// <summary><c>mig_props.tucss</c>.</summary>
        public static readonly FieldSpec<byte> MigTucss = Root.UInt8("mig_props.tucss", 13);

        /// <summary><c>mig_props.tucso</c>.</summary>
        public static readonly FieldSpec<byte> MigTucso = Root.UInt8("mig_props.tucso", 14);

        /// <summary><c>mig_props.tucse</c>.</summary>
        public static readonly FieldSpec<ushort> MigTucse = Root.UInt16("mig_props.tucse", 15);

        /// <summary><c>mig_props.paylen</c>.</summary>
        public static readonly FieldSpec<uint> MigPaylen = Root.UInt32("mig_props.paylen", 16);

        /// <summary><c>mig_props.hdr_len</c>.</summary>
        public static readonly FieldSpec<byte> MigHdrLen = Root.UInt8("mig_props.hdr_len", 17);

        /// <summary><c>mig_props.mss</c>.</summary>
        public static readonly FieldSpec<ushort> MigMss = Root.UInt16("mig_props.mss", 18);

        /// <summary><c>tx.size</c>.</summary>
        public static readonly FieldSpec<ushort> TxSize = Root.UInt16("tx.size", 19);

        /// <summary><c>tx.tso_frames</c>.</summary>
        public static readonly FieldSpec<ushort> TxTsoFrames = Root.UInt16("tx.tso_frames", 20);

        /// <summary><c>tx.sum_needed</c>.</summary>
        public static readonly FieldSpec<byte> TxSumNeeded = Root.UInt8("tx.sum_needed", 21);

        /// <summary><c>mig_props.ip</c>.</summary>
        public static readonly FieldSpec<sbyte> MigIp = Root.Int8("mig_props.ip", 22);

        /// <summary><c>mig_props.tcp</c>.</summary>
        public static readonly FieldSpec<sbyte> MigTcp = Root.Int8("mig_props.tcp", 23);

        /// <summary><c>tx.header</c>.</summary>
        public static readonly ArrayFieldSpec<byte> TxHeader = Root.FixedBytes("tx.header", 24, 256);

        /// <summary><c>tx.data</c>.</summary>
        public static readonly ArrayFieldSpec<byte> TxData = Root.FixedBytes("tx.data", 25, 0x10000);

        /// <summary><c>eeprom_data</c>.</summary>
        public static readonly ArrayFieldSpec<ushort> EepromData = Root.Array<ushort>("eeprom_data", 26, 64);

        /// <summary><c>phy_reg</c>.</summary>
        public static readonly ArrayFieldSpec<ushort> PhyReg = Root.Array<ushort>("phy_reg", 27, 0x20);

        /// <summary>The MAC registers saved one by one.</summary>
        internal static readonly FieldSpec<uint>[] Registers =
        [
            Root.UInt32("mac_reg[CTRL]", 28),
            Root.UInt32("mac_reg[EECD]", 29),
            Root.UInt32("mac_reg[EERD]", 30),
            Root.UInt32("mac_reg[GPRC]", 31),
            Root.UInt32("mac_reg[GPTC]", 32),
            Root.UInt32("mac_reg[ICR]", 33),
            Root.UInt32("mac_reg[ICS]", 34),
            Root.UInt32("mac_reg[IMC]", 35),
            Root.UInt32("mac_reg[IMS]", 36),
            Root.UInt32("mac_reg[LEDCTL]", 37),
            Root.UInt32("mac_reg[MANC]", 38),
            Root.UInt32("mac_reg[MDIC]", 39),
            Root.UInt32("mac_reg[MPC]", 40),
            Root.UInt32("mac_reg[PBA]", 41),
            Root.UInt32("mac_reg[RCTL]", 42),
            Root.UInt32("mac_reg[RDBAH]", 43),
            Root.UInt32("mac_reg[RDBAL]", 44),
            Root.UInt32("mac_reg[RDH]", 45),
            Root.UInt32("mac_reg[RDLEN]", 46),
            Root.UInt32("mac_reg[RDT]", 47),
            Root.UInt32("mac_reg[STATUS]", 48),
            Root.UInt32("mac_reg[SWSM]", 49),
            Root.UInt32("mac_reg[TCTL]", 50),
            Root.UInt32("mac_reg[TDBAH]", 51),
            Root.UInt32("mac_reg[TDBAL]", 52),
            Root.UInt32("mac_reg[TDH]", 53),
            Root.UInt32("mac_reg[TDLEN]", 54),
            Root.UInt32("mac_reg[TDT]", 55),
            Root.UInt32("mac_reg[TORH]", 56),
            Root.UInt32("mac_reg[TORL]", 57),
            Root.UInt32("mac_reg[TOTH]", 58),
            Root.UInt32("mac_reg[TOTL]", 59),
            Root.UInt32("mac_reg[TPR]", 60),
            Root.UInt32("mac_reg[TPT]", 61),
            Root.UInt32("mac_reg[TXDCTL]", 62),
            Root.UInt32("mac_reg[WUFC]", 63),
            Root.UInt32("mac_reg[VET]", 64),
        ];

        /// <summary>Receive addresses (mac_reg[RA..+32]).</summary>
        public static readonly ArrayFieldSpec<uint> Ra = Root.Array<uint>("mac_reg[RA]", 65, 32);

        /// <summary>Multicast table (mac_reg[MTA..+128]).</summary>
        public static readonly ArrayFieldSpec<uint> Mta = Root.Array<uint>("mac_reg[MTA]", 66, 128);

        /// <summary>VLAN filter table (mac_reg[VFTA..+128]).</summary>
        public static readonly ArrayFieldSpec<uint> Vfta = Root.Array<uint>("mac_reg[VFTA]", 67, 128);

        /// <summary>Subsection <c>e1000/mit_state</c> (v1).</summary>
        public static readonly OptionalSpec MitState = Root.Optional("e1000/mit_state", 68, legacyVersion: 1);

        /// <summary>Subsection <c>e1000/full_mac_state</c> (v1).</summary>
        public static readonly OptionalSpec FullMacState = Root.Optional("e1000/full_mac_state", 69, legacyVersion: 1);

        /// <summary>Subsection <c>e1000/tx_tso_state</c> (v1).</summary>
        public static readonly OptionalSpec TxTsoState = Root.Optional("e1000/tx_tso_state", 70, legacyVersion: 1);

        /// <summary>Mitigation interrupt level.</summary>
        public static readonly FieldSpec<bool> MitIrqLevel = MitState.Members.Bool("mit_irq_level", 4);

        /// <summary>The whole MAC register file.</summary>
        public static readonly ArrayFieldSpec<uint> MacReg = FullMacState.Members.Array<uint>("mac_reg", 0, MacRegCount);

        /// <summary>The mitigation registers.</summary>
        internal static readonly FieldSpec<uint>[] MitRegisters =
        [
            MitState.Members.UInt32("mac_reg[RDTR]", 0),
            MitState.Members.UInt32("mac_reg[RADV]", 1),
            MitState.Members.UInt32("mac_reg[TADV]", 2),
            MitState.Members.UInt32("mac_reg[ITR]", 3),
        ];

        /// <summary><c>tx.tso_props.ipcss</c>.</summary>
        public static readonly FieldSpec<byte> TsoIpcss = TxTsoState.Members.UInt8("tx.tso_props.ipcss", 0);

        /// <summary><c>tx.tso_props.ipcso</c>.</summary>
        public static readonly FieldSpec<byte> TsoIpcso = TxTsoState.Members.UInt8("tx.tso_props.ipcso", 1);

        /// <summary><c>tx.tso_props.ipcse</c>.</summary>
        public static readonly FieldSpec<ushort> TsoIpcse = TxTsoState.Members.UInt16("tx.tso_props.ipcse", 2);

        /// <summary><c>tx.tso_props.tucss</c>.</summary>
        public static readonly FieldSpec<byte> TsoTucss = TxTsoState.Members.UInt8("tx.tso_props.tucss", 3);

        /// <summary><c>tx.tso_props.tucso</c>.</summary>
        public static readonly FieldSpec<byte> TsoTucso = TxTsoState.Members.UInt8("tx.tso_props.tucso", 4);

        /// <summary><c>tx.tso_props.tucse</c>.</summary>
        public static readonly FieldSpec<ushort> TsoTucse = TxTsoState.Members.UInt16("tx.tso_props.tucse", 5);

        /// <summary><c>tx.tso_props.paylen</c>.</summary>
        public static readonly FieldSpec<uint> TsoPaylen = TxTsoState.Members.UInt32("tx.tso_props.paylen", 6);

        /// <summary><c>tx.tso_props.hdr_len</c>.</summary>
        public static readonly FieldSpec<byte> TsoHdrLen = TxTsoState.Members.UInt8("tx.tso_props.hdr_len", 7);

        /// <summary><c>tx.tso_props.mss</c>.</summary>
        public static readonly FieldSpec<ushort> TsoMss = TxTsoState.Members.UInt16("tx.tso_props.mss", 8);

        /// <summary><c>tx.tso_props.ip</c>.</summary>
        public static readonly FieldSpec<sbyte> TsoIp = TxTsoState.Members.Int8("tx.tso_props.ip", 9);

        /// <summary><c>tx.tso_props.tcp</c>.</summary>
        public static readonly FieldSpec<sbyte> TsoTcp = TxTsoState.Members.Int8("tx.tso_props.tcp", 10);
    }
}
