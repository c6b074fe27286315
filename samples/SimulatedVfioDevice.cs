using System;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using MigrationFormat.DeviceState.Vfio;

namespace MigrationFormat.Samples;

/// <summary>
/// A simulated VFIO device with real state behind the migration uAPI: a register file and a device memory of
/// <see cref="PageSize"/>-byte pages, which a running guest changes (<see cref="WriteRegister"/>,
/// <see cref="WriteMemory"/>). It has pre-copy: the initial data is every page, and pages written after they were
/// sent are dirty and sent again. Its data stream identifies itself in a 32-byte header, so a destination of another
/// model or layout refuses it as soon as the header arrives.
/// </summary>
/// <remarks>
/// The stream, little-endian (the layout is this device's own; the VMM treats it as opaque):
/// <code>
/// header   u64 magic "MFVFIOSD", u16 major 1, u16 minor 0, u32 model, u32 registers, u32 page size, u32 pages, u32 flags
/// record   u8 type, u8[3] zero, u32 argument, then the body
///   1 PAGE       argument = page index, body = the page
///   2 REGISTERS  argument = register count, body = the registers (u32 each)
///   3 END        argument = CRC-32C of every byte before this record; no body
/// </code>
/// A pre-copy stream carries the pages in pre-copy and the dirty pages and registers after the stop; a stop-copy stream
/// carries everything after the stop. The destination checks the header on arrival, every record as it completes, and at
/// the end (RESUMING to STOP) that the END record arrived; an invalid stream puts the device in ERROR.
/// </remarks>
[SuppressMessage(
    "Design",
    "CA1001",
    Justification = "Disposing a data file is the VMM closing its descriptor; the device ends its sessions by its own arcs and reset.")]
public sealed class SimulatedVfioDevice : VfioMigrationDriver
{
    /// <summary>The stream's magic: the ASCII bytes <c>MFVFIOSD</c> read as a little-endian u64.</summary>
    public const ulong Magic = 0x44534F4946564D46UL;

    /// <summary>The stream format's major version; a destination refuses another.</summary>
    public const ushort MajorVersion = 1;

    /// <summary>The stream format's minor version; compatible additions only.</summary>
    public const ushort MinorVersion = 0;

    /// <summary>The size of a memory page and of a PAGE record's body.</summary>
    public const int PageSize = 4096;

    /// <summary>The size of the stream header.</summary>
    public const int HeaderSize = 32;

    /// <summary>The size of a record header.</summary>
    public const int RecordHeaderSize = 8;

    private const byte PageRecord = 1;
    private const byte RegistersRecord = 2;
    private const byte EndRecord = 3;
    private const uint PreCopyFlag = 1;

    private readonly uint[] _registers;
    private readonly byte[] _memory;
    private SavingSession? _saving;
    private ResumingSession? _resuming;

    /// <summary>Creates a device in RUNNING with zeroed state.</summary>
    /// <param name="features">Its migration features.</param>
    /// <param name="model">Its model number, written in the stream header; a destination of another model refuses the stream.</param>
    /// <param name="registerCount">The number of 32-bit registers.</param>
    /// <param name="pageCount">The number of memory pages.</param>
    public SimulatedVfioDevice(
        VfioMigrationFeatures features = VfioMigrationFeatures.All, uint model = 0x1af4_10f0, int registerCount = 64, int pageCount = 256)
        : base(features)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(registerCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageCount);
        Model = model;
        _registers = new uint[registerCount];
        _memory = new byte[checked(pageCount * PageSize)];
    }

    /// <summary>Gets the model number.</summary>
    public uint Model { get; }

    /// <summary>Gets the number of registers.</summary>
    public int RegisterCount => _registers.Length;

    /// <summary>Gets the number of memory pages.</summary>
    public int PageCount => _memory.Length / PageSize;

    /// <summary>Gets the registers (a copy).</summary>
    public uint[] Registers => (uint[])_registers.Clone();

    /// <summary>Gets the device memory (read-only view).</summary>
    public ReadOnlySpan<byte> Memory => _memory;

    /// <summary>Gets the size of a complete stop-copy stream of this device.</summary>
    public long FullStreamLength => HeaderSize + ((long)PageCount * (RecordHeaderSize + PageSize)) + RecordHeaderSize + (4L * RegisterCount) + RecordHeaderSize;

    /// <summary>The guest writes a register.</summary>
    /// <param name="index">The register.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The device is not running.</exception>
    public void WriteRegister(int index, uint value)
    {
        EnsureRunning();
        _registers[index] = value;
    }

    /// <summary>The guest (or the device itself, by DMA) writes device memory; pages already sent in pre-copy become dirty.</summary>
    /// <param name="offset">The byte offset.</param>
    /// <param name="data">The bytes.</param>
    /// <exception cref="InvalidOperationException">The device is not running.</exception>
    public void WriteMemory(int offset, ReadOnlySpan<byte> data)
    {
        EnsureRunning();
        data.CopyTo(_memory.AsSpan(offset));
        if (data.IsEmpty)
        {
            return;
        }

        _saving?.MarkDirty(offset / PageSize, (offset + data.Length - 1) / PageSize);
    }

    /// <summary>Gets a value indicating whether another device's registers and memory equal this one's.</summary>
    /// <param name="other">The other device.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public bool StateEquals(SimulatedVfioDevice other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return _registers.AsSpan().SequenceEqual(other._registers) && _memory.AsSpan().SequenceEqual(other._memory);
    }

    /// <inheritdoc/>
    public override ulong GetStopCopySize() => _saving is { } saving ? (ulong)saving.RemainingAfterStop() : (ulong)FullStreamLength;

    /// <inheritdoc/>
    protected override IVfioDataFile? Step(VfioDeviceState from, VfioDeviceState to, VfioArcKind kind)
    {
        switch (kind)
        {
            case VfioArcKind.OpensSavingStream:
                _saving = new SavingSession(this, preCopy: to != VfioDeviceState.StopCopy);
                return _saving;
            case VfioArcKind.ContinuesSavingStream:
                _saving!.Stop();
                return null;
            case VfioArcKind.EndsSavingStream:
                _saving?.Close();
                _saving = null;
                return null;
            case VfioArcKind.OpensResumingStream:
                _resuming = new ResumingSession(this);
                return _resuming;
            case VfioArcKind.EndsResumingStream:
                ResumingSession resuming = _resuming!;
                _resuming = null;
                resuming.Close();
                resuming.Complete();
                return null;
            default:
                return null;
        }
    }

    /// <inheritdoc/>
    protected override void OnReset()
    {
        _saving?.Close();
        _saving = null;
        _resuming?.Close();
        _resuming = null;
        Array.Clear(_registers);
        Array.Clear(_memory);
    }

    private void EnsureRunning()
    {
        if (!VfioStates.IsRunning(State))
        {
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"The device is not running (it is in {VfioStates.UapiName(State)})."));
        }
    }

    private void WriteHeader(Span<byte> header, bool preCopy)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], MajorVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], MinorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], Model);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)_registers.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], PageSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)PageCount);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], preCopy ? PreCopyFlag : 0);
    }

    /// <summary>The saving side: the header, the initial pass over every page, dirty pages, and after the stop the registers and the END record.</summary>
    private sealed class SavingSession : IVfioDataFile
    {
        private const int PageRecordSize = RecordHeaderSize + PageSize;

        private readonly SimulatedVfioDevice _device;
        private readonly bool[] _dirty;
        private readonly byte[] _record;
        private int _recordLength;
        private int _recordOffset;
        private bool _recordIsInitial;
        private int _nextInitialPage;
        private int _dirtyCount;
        private int _dirtyScan;
        private bool _stopped;
        private bool _registersSent;
        private bool _endSent;
        private bool _closed;
        private uint _crc = MigrationFormat.Ber.Crc32C.Initial;

        public SavingSession(SimulatedVfioDevice device, bool preCopy)
        {
            _device = device;
            _dirty = new bool[device.PageCount];
            _record = new byte[Math.Max(HeaderSize, Math.Max(PageRecordSize, RecordHeaderSize + (4 * device.RegisterCount)))];
            device.WriteHeader(_record, preCopy);
            _recordLength = HeaderSize;
            _recordIsInitial = true;
            _stopped = !preCopy;
        }

        public bool IsSaving => true;

        public void MarkDirty(int firstPage, int lastPage)
        {
            for (int page = firstPage; page <= lastPage && page < _nextInitialPage; page++)
            {
                // A page the initial pass has not reached yet goes out with its new contents anyway.
                if (!_dirty[page])
                {
                    _dirty[page] = true;
                    _dirtyCount++;
                }
            }
        }

        public void Stop() => _stopped = true;

        public void Close() => _closed = true;

        public long RemainingAfterStop()
        {
            long left = _recordLength - _recordOffset
                + ((long)(_device.PageCount - _nextInitialPage) * PageRecordSize)
                + ((long)_dirtyCount * PageRecordSize);
            if (!_registersSent)
            {
                left += RecordHeaderSize + (4L * _device.RegisterCount);
            }

            if (!_endSent)
            {
                left += RecordHeaderSize;
            }

            return left;
        }

        public VfioPrecopyInfo GetPrecopyInfo()
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_device.State is not (VfioDeviceState.PreCopy or VfioDeviceState.PreCopyP2P))
            {
                throw new InvalidOperationException("VFIO_MIG_GET_PRECOPY_INFO is valid only in PRE_COPY and PRE_COPY_P2P.");
            }

            long inFlight = _recordLength - _recordOffset;
            long initial = ((long)(_device.PageCount - _nextInitialPage) * PageRecordSize) + (_recordIsInitial ? inFlight : 0);
            long dirty = ((long)_dirtyCount * PageRecordSize) + (_recordIsInitial ? 0 : inFlight);
            return new VfioPrecopyInfo((ulong)initial, (ulong)dirty);
        }

        public VfioReadStatus Read(Span<byte> buffer, out int bytesRead)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            bytesRead = 0;
            while (bytesRead < buffer.Length)
            {
                if (_recordOffset == _recordLength && !NextRecord())
                {
                    break;
                }

                int piece = Math.Min(buffer.Length - bytesRead, _recordLength - _recordOffset);
                _record.AsSpan(_recordOffset, piece).CopyTo(buffer[bytesRead..]);
                _recordOffset += piece;
                bytesRead += piece;
            }

            if (bytesRead > 0)
            {
                return VfioReadStatus.Data;
            }

            return _stopped ? VfioReadStatus.EndOfStream : VfioReadStatus.NoDataPending;
        }

        public void Write(ReadOnlySpan<byte> data) => throw new InvalidOperationException("A saving stream is read, not written.");

        public void Dispose()
        {
        }

        /// <summary>Builds the next record in <see cref="_record"/>; false when nothing is pending (or the stream is complete).</summary>
        private bool NextRecord()
        {
            // The finished record counts toward the END record's checksum.
            _crc = MigrationFormat.Ber.Crc32C.Append(_crc, _record.AsSpan(0, _recordLength));
            _recordOffset = 0;
            _recordLength = 0;
            if (_nextInitialPage < _device.PageCount)
            {
                BuildPage(_nextInitialPage++);
                _recordIsInitial = true;
                return true;
            }

            _recordIsInitial = false;
            if (_dirtyCount > 0)
            {
                for (int i = 0; i < _dirty.Length; i++)
                {
                    int page = (_dirtyScan + i) % _dirty.Length;
                    if (_dirty[page])
                    {
                        _dirty[page] = false;
                        _dirtyCount--;
                        _dirtyScan = page + 1;
                        BuildPage(page);
                        return true;
                    }
                }
            }

            if (!_stopped || _endSent)
            {
                return false;
            }

            if (!_registersSent)
            {
                _registersSent = true;
                WriteRecordHeader(RegistersRecord, (uint)_device.RegisterCount);
                for (int i = 0; i < _device.RegisterCount; i++)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(RecordHeaderSize + (4 * i)), _device._registers[i]);
                }

                _recordLength = RecordHeaderSize + (4 * _device.RegisterCount);
                return true;
            }

            _endSent = true;
            WriteRecordHeader(EndRecord, MigrationFormat.Ber.Crc32C.Finish(_crc));
            _recordLength = RecordHeaderSize;
            return true;
        }

        private void BuildPage(int page)
        {
            WriteRecordHeader(PageRecord, (uint)page);
            _device._memory.AsSpan(page * PageSize, PageSize).CopyTo(_record.AsSpan(RecordHeaderSize));
            _recordLength = PageRecordSize;
        }

        private void WriteRecordHeader(byte type, uint argument)
        {
            _record[0] = type;
            _record[1] = 0;
            _record[2] = 0;
            _record[3] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(4), argument);
        }
    }

    /// <summary>
    /// The resuming side: checks the header as soon as it arrives and each record as it completes; the new state is staged until the END record checks out.
    /// </summary>
    private sealed class ResumingSession : IVfioDataFile
    {
        private readonly SimulatedVfioDevice _device;
        private readonly byte[] _memory;
        private readonly uint[] _registers;
        private readonly byte[] _pending;
        private int _pendingLength;
        private int _expected = HeaderSize;
        private bool _headerSeen;
        private bool _registersSeen;
        private bool _endSeen;
        private bool _closed;
        private long _position;
        private long _recordStart;
        private uint _crc = MigrationFormat.Ber.Crc32C.Initial;

        public ResumingSession(SimulatedVfioDevice device)
        {
            _device = device;
            _memory = new byte[device._memory.Length];
            _registers = new uint[device._registers.Length];
            _pending = new byte[Math.Max(HeaderSize, RecordHeaderSize + Math.Max(PageSize, 4 * device.RegisterCount))];
        }

        public bool IsSaving => false;

        public void Close() => _closed = true;

        public VfioPrecopyInfo GetPrecopyInfo() => throw new InvalidOperationException("VFIO_MIG_GET_PRECOPY_INFO is valid only in PRE_COPY and PRE_COPY_P2P.");

        public VfioReadStatus Read(Span<byte> buffer, out int bytesRead) => throw new InvalidOperationException("A resuming stream is written, not read.");

        public void Write(ReadOnlySpan<byte> data)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            while (!data.IsEmpty)
            {
                if (_endSeen)
                {
                    throw Fail(MigrationErrorKind.LimitExceeded, $"{data.Length} bytes arrived after the END record.", _position);
                }

                int piece = Math.Min(data.Length, _expected - _pendingLength);
                data[..piece].CopyTo(_pending.AsSpan(_pendingLength));
                _pendingLength += piece;
                _position += piece;
                data = data[piece..];
                if (_pendingLength == _expected)
                {
                    Consume();
                }
            }
        }

        /// <summary>RESUMING to STOP: the stream must have ended with its END record; then the staged state becomes the device's.</summary>
        public void Complete()
        {
            if (!_endSeen)
            {
                string what = !_headerSeen ? "its header" : "its END record";
                throw Fail(MigrationErrorKind.Truncated, $"The device stream stopped after {_position} bytes, before {what}.", _position);
            }

            _memory.CopyTo(_device._memory, 0);
            _registers.CopyTo(_device._registers, 0);
        }

        public void Dispose()
        {
        }

        private void Consume()
        {
            ReadOnlySpan<byte> bytes = _pending.AsSpan(0, _pendingLength);
            if (!_headerSeen)
            {
                CheckHeader(bytes);
                _headerSeen = true;
                Next(bytes, RecordHeaderSize);
                return;
            }

            if (_pendingLength == RecordHeaderSize)
            {
                byte type = bytes[0];
                uint argument = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
                if (bytes[1] != 0 || bytes[2] != 0 || bytes[3] != 0)
                {
                    throw Fail(MigrationErrorKind.InvalidEncoding, "A record header's reserved bytes are not zero.", _recordStart);
                }

                switch (type)
                {
                    case PageRecord when argument < (uint)_device.PageCount:
                        _expected = RecordHeaderSize + PageSize;
                        return;
                    case PageRecord:
                        throw Fail(MigrationErrorKind.UnexpectedValue, $"Page {argument} is beyond the device's {_device.PageCount} pages.", _recordStart);
                    case RegistersRecord when argument == (uint)_device.RegisterCount:
                        _expected = RecordHeaderSize + (4 * _device.RegisterCount);
                        return;
                    case RegistersRecord:
                        throw Fail(
                            MigrationErrorKind.UnexpectedValue, $"The stream has {argument} registers; the device has {_device.RegisterCount}.", _recordStart);
                    case EndRecord:
                        uint crc = MigrationFormat.Ber.Crc32C.Finish(_crc);
                        if (!_registersSeen)
                        {
                            throw Fail(MigrationErrorKind.MissingRequiredField, "The END record came before the registers.", _recordStart);
                        }

                        if (argument != crc)
                        {
                            throw Fail(
                                MigrationErrorKind.IntegrityCheckFailed,
                                $"The stream's checksum 0x{argument:x8} does not match its bytes (0x{crc:x8}).",
                                _recordStart);
                        }

                        _endSeen = true;
                        _pendingLength = 0;
                        _expected = RecordHeaderSize;
                        return;
                    default:
                        throw Fail(MigrationErrorKind.UnexpectedValue, $"Unknown record type {type}.", _recordStart);
                }
            }

            if (bytes[0] == PageRecord)
            {
                int page = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
                bytes.Slice(RecordHeaderSize, PageSize).CopyTo(_memory.AsSpan(page * PageSize));
            }
            else
            {
                for (int i = 0; i < _registers.Length; i++)
                {
                    _registers[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(RecordHeaderSize + (4 * i))..]);
                }

                _registersSeen = true;
            }

            Next(bytes, RecordHeaderSize);
        }

        private void Next(ReadOnlySpan<byte> finished, int expected)
        {
            _crc = MigrationFormat.Ber.Crc32C.Append(_crc, finished);
            _pendingLength = 0;
            _expected = expected;
            _recordStart = _position;
        }

        private void CheckHeader(ReadOnlySpan<byte> header)
        {
            ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(header);
            if (magic != Magic)
            {
                throw Fail(MigrationErrorKind.UnexpectedValue, $"Not a stream of this device: magic 0x{magic:x16}, expected 0x{Magic:x16}.", 0);
            }

            ushort major = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
            if (major != MajorVersion)
            {
                ushort minor = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
                throw Fail(
                    MigrationErrorKind.UnsupportedVersion, $"The stream's format is version {major}.{minor}; this device reads version {MajorVersion}.x.", 8);
            }

            uint model = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
            uint registers = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
            uint pageSize = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
            uint pages = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
            if (model != _device.Model || registers != (uint)_device.RegisterCount || pageSize != PageSize || pages != (uint)_device.PageCount)
            {
                throw Fail(
                    MigrationErrorKind.UnexpectedValue,
                    $"The stream is from an incompatible device: model 0x{model:x8} with {registers} registers and {pages} pages of {pageSize} bytes; "
                    + $"this device is model 0x{_device.Model:x8} with {_device.RegisterCount} registers and {_device.PageCount} pages of {PageSize} bytes.",
                    12);
            }
        }

        private static MigrationFormatException Fail(MigrationErrorKind kind, string detail, long offset) =>
            new(kind, detail, offset, "vfio-device-stream");
    }
}
