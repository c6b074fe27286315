using System.Buffers;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Generators.Tests;

/// <summary>Generated devices, compiled in this project by the generator, saved and loaded through the library.</summary>
public class RuntimeTests
{
    public static TheoryData<int> UartVersions => [1, 2, 3];

    public static TheoryData<int> GadgetVersions => [1, 2, 3, 4];

    public static TheoryData<int, int> GadgetVersionPairs()
    {
        var pairs = new TheoryData<int, int>();
        for (int source = 1; source <= 4; source++)
        {
            for (int destination = 1; destination <= 4; destination++)
            {
                pairs.Add(source, destination);
            }
        }

        return pairs;
    }

    [Theory]
    [MemberData(nameof(UartVersions))]
    public void Schema_GeneratedUart_EqualsHandWrittenSampleAtEveryVersion(int version)
    {
        byte[] generated = SchemaDocument.ToUtf8(DeviceSchema.For(GeneratedUart16550.DeviceType, version), indented: true);
        byte[] handWritten = SchemaDocument.ToUtf8(DeviceSchema.For(Uart16550.DeviceType, version), indented: true);

        Assert.Equal(System.Text.Encoding.UTF8.GetString(handWritten), System.Text.Encoding.UTF8.GetString(generated));
    }

    [Theory]
    [MemberData(nameof(UartVersions))]
    public void BerSave_GeneratedUart_WritesTheHandWrittenSamplesBytes(int version)
    {
        var generated = new GeneratedUart16550(version)
        {
            Divider = 3, Lcr = 0x83, TxCount = 99, FifoTriggerLevel = 8, FifoTimeoutArmed = true, FifoTimeoutNs = 1_000_000,
        };
        var handWritten = new Uart16550(version)
        {
            Divider = 3, Lcr = 0x83, TxCount = 99, FifoTriggerLevel = 8, FifoTimeoutArmed = true, FifoTimeoutNs = 1_000_000,
        };

        Assert.Equal(SaveBer(handWritten), SaveBer(generated));
    }

    [Fact]
    public void BerLoad_HandWrittenSamplesStream_FillsGeneratedUartAndSetsPresentFlag()
    {
        var handWritten = new Uart16550(3) { Divider = 3, TxCount = 99, FifoTimeoutArmed = true, FifoTimeoutNs = 1_000_000 };
        var generated = new GeneratedUart16550(3);

        new BerDeviceSerializer().Load(generated, SaveBer(handWritten), 3);

        Assert.Equal((3, 99UL, true, 1_000_000L), (generated.Divider, generated.TxCount, generated.FifoTimeoutArmed, generated.FifoTimeoutNs));
    }

    [Fact]
    public void BerLoad_StreamWithoutOptionalGroup_ClearsPresentFlag()
    {
        var source = new GeneratedUart16550(3) { FifoTimeoutArmed = false };
        var destination = new GeneratedUart16550(3) { FifoTimeoutArmed = true, FifoTimeoutNs = 5 };

        new BerDeviceSerializer().Load(destination, SaveBer(source), 3);

        Assert.False(destination.FifoTimeoutArmed);
    }

    [Fact]
    public void BerLoad_OlderStreamWithoutTheGroupsVersion_LeavesPresentFlagAlone()
    {
        var source = new GeneratedUart16550(2) { TxCount = 4 };
        var destination = new GeneratedUart16550(2) { FifoTimeoutArmed = true };

        new BerDeviceSerializer().Load(destination, SaveBer(source), 2);

        Assert.True(destination.FifoTimeoutArmed);
    }

    [Theory]
    [MemberData(nameof(GadgetVersions))]
    public void BerRoundTrip_GadgetAtItsVersion_RestoresEveryField(int version)
    {
        Gadget source = Gadget.Busy(version);
        var destination = new Gadget(version);

        LoadReport report = new BerDeviceSerializer().Load(destination, SaveBer(source), version);

        Assert.True(report.IsExact);
        Assert.Equal(Dump(source), Dump(destination));
    }

    [Theory]
    [MemberData(nameof(GadgetVersions))]
    public void LegacyRoundTrip_GadgetAtItsVersion_RestoresEveryField(int version)
    {
        Gadget source = Gadget.Busy(version);
        var destination = new Gadget(version);

        LegacyDeviceSerializer.Load(destination, LegacyDeviceSerializer.Save(source), version);

        Assert.Equal(Dump(source), Dump(destination));
    }

    [Theory]
    [MemberData(nameof(GadgetVersionPairs))]
    public void BerLoad_GadgetAcrossVersions_SucceedsExactlyWhenTheCheckerSaysCompatible(int sourceVersion, int destinationVersion)
    {
        byte[] stream = SaveBer(Gadget.Busy(sourceVersion));
        CompatibilityReport predicted = CompatibilityChecker.Check(
            DeviceSchema.For(Gadget.DeviceType, sourceVersion),
            DeviceSchema.For(Gadget.DeviceType, destinationVersion));

        Exception? error = Record.Exception(() => new BerDeviceSerializer().Load(new Gadget(destinationVersion), stream, sourceVersion));

        Assert.Equal(predicted.IsCompatible, error is null);
    }

    [Theory]
    [MemberData(nameof(UartVersions))]
    public void LegacySave_GeneratedUart_WritesTheHandWrittenSamplesBytes(int version)
    {
        var generated = new GeneratedUart16550(version)
        {
            Divider = 3, Lcr = 0x83, TxCount = 99, FifoTriggerLevel = 8, FifoTimeoutArmed = true, FifoTimeoutNs = 1_000_000,
        };
        var handWritten = new Uart16550(version)
        {
            Divider = 3, Lcr = 0x83, TxCount = 99, FifoTriggerLevel = 8, FifoTimeoutArmed = true, FifoTimeoutNs = 1_000_000,
        };

        Assert.Equal(LegacyDeviceSerializer.Save(handWritten), LegacyDeviceSerializer.Save(generated));
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(1, 3)]
    [InlineData(2, 3)]
    public void LegacyLoad_OlderUartStream_KeepsSavedFieldsAndLeavesNewerOnesAtTheirDefaults(int sourceVersion, int destinationVersion)
    {
        var source = new GeneratedUart16550(sourceVersion) { Divider = 3, Lcr = 0x83, TxCount = 99, FifoTriggerLevel = 8 };
        var destination = new GeneratedUart16550(destinationVersion);

        LegacyDeviceSerializer.Load(destination, LegacyDeviceSerializer.Save(source), sourceVersion);

        Assert.Equal((3, (byte)0x83), (destination.Divider, destination.Lcr));
        Assert.Equal(sourceVersion >= 2 ? 99UL : 0UL, destination.TxCount);
        Assert.Equal((byte)1, destination.FifoTriggerLevel);
    }

    [Fact]
    public void BerLoad_Ps2KeyboardSampleV1StreamIntoV2_KeepsV1FieldsDefaultsNewerOnesAndMarksTheGroupAbsent()
    {
        var source = new Ps2Keyboard(1) { Status = 0x1D, QueueCount = 2, ScancodeSet = 3 };
        source.Queue[0] = 0xFA;
        var destination = new Ps2Keyboard(2) { ResetPending = true };

        LoadReport report = new BerDeviceSerializer().Load(destination, SaveBer(source), 1);

        Assert.Equal(
            (0x1D, 2, 0xFA, 2, false),
            (destination.Status, destination.QueueCount, destination.Queue[0], destination.ScancodeSet, destination.ResetPending));
        Assert.False(report.IsExact);
    }

    [Fact]
    public void Factory_CreatesInstanceRunningAsRequestedVersion()
    {
        IDeviceState device = Gadget.DeviceType.Create(2);

        Assert.IsType<Gadget>(device);
        Assert.Equal(2, device.Version);
        Assert.Same(Gadget.DeviceType, device.Type);
    }

    [Fact]
    public void Constructor_WithoutVersion_RunsAsCurrentVersion()
    {
        Assert.Equal(4, new Gadget().Version);
    }

    [Fact]
    public void Visit_SteadyState_AllocatesNothing()
    {
        Gadget device = Gadget.Busy(4);
        var visitor = new CountingVisitor(4);
        device.Visit(ref visitor);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            device.Visit(ref visitor);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(visitor.Count > 0);
    }

    private static byte[] SaveBer(IDeviceState device)
    {
        var output = new ArrayBufferWriter<byte>();
        BerDeviceSerializer.Save(device, output);
        return output.WrittenSpan.ToArray();
    }

    private static Dictionary<string, string> Dump(Gadget device)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var visitor = new RecordingVisitor(values, device.Version);
        device.Visit(ref visitor);
        return values;
    }
}
