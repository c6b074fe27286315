using System;
using System.Buffers.Binary;
using MigrationFormat.Session;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples;

/// <summary>
/// An accelerator passed through with VFIO, with device memory (pages the guest writes) and registers. Its memory
/// moves as an iterative device's data stream while the guest runs: the first pass over every page is its initial
/// data, pages the guest writes afterwards are dirty data; the destination acknowledges the initial data before the
/// switchover (switchover-ack), like a VFIO device with pre-copy support. Its registers move as its section: version 1
/// has the control and queue registers; version 2 adds the skippable completed-job counter; version 3 adds the
/// must-parse context id and the optional pending-fault group.
/// </summary>
/// <remarks>
/// The data stream, opaque to the library: a 16-byte header (magic <c>ACCL</c>, stream version 1, page size, page
/// count, all big-endian), then records of a 4-byte big-endian page index and the page's bytes. The destination
/// checks the header as soon as it arrives, so a device configured differently fails before any page is staged.
/// </remarks>
public sealed class VfioAccelerator : IIterativeDevice
{
    /// <summary>The default page size: 4 KiB.</summary>
    public const int DefaultPageSize = 4096;

    /// <summary>The default page count: 256 (1 MiB of device memory).</summary>
    public const int DefaultPageCount = 256;

    /// <summary>The device type: section id <c>vfio-accel</c>, versions 1 to 3.</summary>
    public static readonly DeviceType DeviceType = new(
        "vfio-accel",
        "urn:migfmt:sample:vfio-accelerator",
        currentVersion: 3,
        minimumVersion: 1,
        version => new VfioAccelerator(version),
        "VFIO accelerator with device memory moved in pre-copy rounds");

    private const uint Magic = 0x4143434C;
    private const int HeaderLength = 16;
    private const int IndexLength = 4;

    private uint _control;
    private uint _status;
    private ulong _doorbell;
    private uint _queueHead;
    private uint _queueTail;
    private ulong _completedJobs;
    private uint _contextId;
    private bool _faultPending;
    private ulong _faultAddress;
    private ushort _faultCode;

    private byte[] _memory;

    // Saving: how far the header and the first pass have got, the record being sent, and the pages written since they were sent.
    private bool _saving;
    private int _headerSent;
    private int _initialNext;
    private int _recordPage = -1;
    private int _recordOffset;
    private bool _recordInitial;
    private bool[] _dirty;
    private int _dirtyCount;
    private int _dirtyScan;

    // Loading: the staged memory, the header and record being parsed, and which pages have arrived whole.
    private byte[]? _staged;
    private readonly byte[] _pending = new byte[HeaderLength];
    private int _pendingLength;
    private bool _headerSeen;
    private int _loadPage = -1;
    private int _loadOffset;
    private bool[] _received;
    private int _receivedCount;

    /// <summary>Creates an accelerator running as <paramref name="version"/>, with reset registers and zeroed memory.</summary>
    /// <param name="version">The device version.</param>
    /// <param name="pageSize">The size of a page of device memory.</param>
    /// <param name="pageCount">The number of pages.</param>
    /// <param name="switchoverAck">Whether the device takes part in the switchover acknowledgement.</param>
    public VfioAccelerator(int version = 3, int pageSize = DefaultPageSize, int pageCount = DefaultPageCount, bool switchoverAck = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)pageSize * pageCount, Array.MaxLength);
        Version = version;
        PageSize = pageSize;
        PageCount = pageCount;
        SupportsSwitchoverAck = switchoverAck;
        _memory = new byte[pageSize * pageCount];
        _dirty = new bool[pageCount];
        _received = new bool[pageCount];
    }

    /// <inheritdoc/>
    public DeviceType Type => DeviceType;

    /// <inheritdoc/>
    public int Version { get; }

    /// <inheritdoc/>
    public bool SupportsSwitchoverAck { get; }

    /// <summary>Gets the size of a page of device memory.</summary>
    public int PageSize { get; }

    /// <summary>Gets the number of pages of device memory.</summary>
    public int PageCount { get; }

    /// <summary>Gets the device memory; write it through <see cref="WritePage"/> while a migration saves, so that changes are tracked.</summary>
    public ReadOnlySpan<byte> Memory => _memory;

    /// <summary>Gets or sets the control register.</summary>
    public uint Control { get => _control; set => _control = value; }

    /// <summary>Gets or sets the status register.</summary>
    public uint Status { get => _status; set => _status = value; }

    /// <summary>Gets or sets the doorbell register.</summary>
    public ulong Doorbell { get => _doorbell; set => _doorbell = value; }

    /// <summary>Gets or sets the command queue's head.</summary>
    public uint QueueHead { get => _queueHead; set => _queueHead = value; }

    /// <summary>Gets or sets the command queue's tail.</summary>
    public uint QueueTail { get => _queueTail; set => _queueTail = value; }

    /// <summary>Gets or sets the completed-job counter (v2, skippable statistics).</summary>
    public ulong CompletedJobs { get => _completedJobs; set => _completedJobs = value; }

    /// <summary>Gets or sets the context id (v3, must-parse).</summary>
    public uint ContextId { get => _contextId; set => _contextId = value; }

    /// <summary>Gets or sets a value indicating whether a fault is pending (v3, optional group).</summary>
    public bool FaultPending { get => _faultPending; set => _faultPending = value; }

    /// <summary>Gets or sets the faulting address (v3, inside the optional group).</summary>
    public ulong FaultAddress { get => _faultAddress; set => _faultAddress = value; }

    /// <summary>Gets or sets the fault code (v3, inside the optional group).</summary>
    public ushort FaultCode { get => _faultCode; set => _faultCode = value; }

    /// <summary>The guest writes a page: its bytes change, and a saving session sends it again.</summary>
    /// <param name="page">The page index.</param>
    /// <param name="data">The new contents, at most a page.</param>
    public void WritePage(int page, ReadOnlySpan<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)page, (uint)PageCount, nameof(page));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, PageSize, nameof(data));
        data.CopyTo(_memory.AsSpan(page * PageSize));

        // A page whose record has gone out (or is going out) must go again; one not reached yet goes once, as it is then.
        if (_saving && (page < _initialNext || page == _recordPage) && !_dirty[page])
        {
            _dirty[page] = true;
            _dirtyCount++;
        }
    }

    /// <inheritdoc/>
    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        visitor.Field(Fields.Control, ref _control);
        visitor.Field(Fields.Status, ref _status);
        visitor.Field(Fields.Doorbell, ref _doorbell);
        visitor.Field(Fields.QueueHead, ref _queueHead);
        visitor.Field(Fields.QueueTail, ref _queueTail);
        visitor.Field(Fields.CompletedJobs, ref _completedJobs);
        visitor.Field(Fields.ContextId, ref _contextId);
        if (visitor.BeginOptional(Fields.Fault, needed: _faultPending).Track(ref _faultPending))
        {
            visitor.Field(Fields.FaultAddress, ref _faultAddress);
            visitor.Field(Fields.FaultCode, ref _faultCode);
            visitor.EndOptional();
        }
    }

    /// <inheritdoc/>
    public void BeginSave()
    {
        _saving = true;
        _headerSent = 0;
        _initialNext = 0;
        _recordPage = -1;
        _recordOffset = 0;
        Array.Clear(_dirty);
        _dirtyCount = 0;
        _dirtyScan = 0;
    }

    /// <inheritdoc/>
    public PendingBytes QueryPending()
    {
        long record = IndexLength + PageSize;
        long inFlight = _recordPage >= 0 ? record - _recordOffset : 0;
        long initial = HeaderLength - _headerSent + ((long)(PageCount - _initialNext) * record) + (_recordInitial ? inFlight : 0);
        long dirty = ((long)_dirtyCount * record) + (_recordInitial ? 0 : inFlight);
        return new PendingBytes(initial, dirty);
    }

    /// <inheritdoc/>
    public int ReadSaveData(Span<byte> destination)
    {
        int written = 0;
        Span<byte> header = stackalloc byte[HeaderLength];
        Span<byte> index = stackalloc byte[IndexLength];
        while (written < destination.Length)
        {
            Span<byte> target = destination.Slice(written);
            if (_headerSent < HeaderLength)
            {
                WriteHeader(header);
                int count = Math.Min(target.Length, HeaderLength - _headerSent);
                header.Slice(_headerSent, count).CopyTo(target);
                _headerSent += count;
                written += count;
                continue;
            }

            if (_recordPage < 0 && !NextRecord())
            {
                break;
            }

            int copied;
            if (_recordOffset < IndexLength)
            {
                BinaryPrimitives.WriteInt32BigEndian(index, _recordPage);
                copied = Math.Min(target.Length, IndexLength - _recordOffset);
                index.Slice(_recordOffset, copied).CopyTo(target);
            }
            else
            {
                int pageOffset = _recordOffset - IndexLength;
                copied = Math.Min(target.Length, PageSize - pageOffset);
                _memory.AsSpan((_recordPage * PageSize) + pageOffset, copied).CopyTo(target);
            }

            _recordOffset += copied;
            written += copied;
            if (_recordOffset == IndexLength + PageSize)
            {
                _recordPage = -1;
            }
        }

        return written;
    }

    /// <inheritdoc/>
    public void StopAndCopy()
    {
        // The guest no longer runs: what is dirty now is all that remains, and ReadSaveData sends it to the end.
    }

    /// <inheritdoc/>
    public void EndSave(bool migrated) => _saving = false;

    /// <inheritdoc/>
    public void BeginLoad()
    {
        _staged = GC.AllocateUninitializedArray<byte>(_memory.Length);
        _pendingLength = 0;
        _headerSeen = false;
        _loadPage = -1;
        _loadOffset = 0;
        Array.Clear(_received);
        _receivedCount = 0;
    }

    /// <inheritdoc/>
    public void WriteLoadData(ReadOnlySpan<byte> data)
    {
        byte[] staged = _staged ?? throw new InvalidOperationException("No loading session is open.");
        while (!data.IsEmpty)
        {
            if (!_headerSeen)
            {
                int count = Math.Min(data.Length, HeaderLength - _pendingLength);
                data.Slice(0, count).CopyTo(_pending.AsSpan(_pendingLength));
                _pendingLength += count;
                data = data.Slice(count);
                if (_pendingLength == HeaderLength)
                {
                    CheckHeader(_pending);
                    _headerSeen = true;
                    _pendingLength = 0;
                }

                continue;
            }

            if (_loadPage < 0)
            {
                int count = Math.Min(data.Length, IndexLength - _pendingLength);
                data.Slice(0, count).CopyTo(_pending.AsSpan(_pendingLength));
                _pendingLength += count;
                data = data.Slice(count);
                if (_pendingLength == IndexLength)
                {
                    int page = BinaryPrimitives.ReadInt32BigEndian(_pending);
                    if ((uint)page >= (uint)PageCount)
                    {
                        throw Bad($"page {page} is beyond the {PageCount} pages of device memory");
                    }

                    _loadPage = page;
                    _loadOffset = 0;
                    _pendingLength = 0;
                }

                continue;
            }

            int take = Math.Min(data.Length, PageSize - _loadOffset);
            data.Slice(0, take).CopyTo(staged.AsSpan((_loadPage * PageSize) + _loadOffset));
            _loadOffset += take;
            data = data.Slice(take);
            if (_loadOffset == PageSize)
            {
                if (!_received[_loadPage])
                {
                    _received[_loadPage] = true;
                    _receivedCount++;
                }

                _loadPage = -1;
            }
        }
    }

    /// <inheritdoc/>
    public void CompleteInitialData()
    {
        if (!_headerSeen || _receivedCount != PageCount)
        {
            throw Bad($"the initial data holds {_receivedCount} of {PageCount} pages");
        }
    }

    /// <inheritdoc/>
    public void FinishLoad()
    {
        if (!_headerSeen || _receivedCount != PageCount || _loadPage >= 0 || _pendingLength != 0)
        {
            string where = _loadPage >= 0 || _pendingLength != 0 ? ", inside a record" : string.Empty;
            throw Bad($"the data stream ends with {_receivedCount} of {PageCount} pages{where}");
        }
    }

    /// <inheritdoc/>
    public void EndLoad(bool commit)
    {
        if (commit && _staged is not null)
        {
            _memory = _staged;
        }

        _staged = null;
    }

    private bool NextRecord()
    {
        int page;
        if (_initialNext < PageCount)
        {
            page = _initialNext++;
            _recordInitial = true;
        }
        else if (_dirtyCount > 0)
        {
            while (!_dirty[_dirtyScan])
            {
                _dirtyScan = (_dirtyScan + 1) % PageCount;
            }

            page = _dirtyScan;
            _recordInitial = false;
        }
        else
        {
            return false;
        }

        // The page is sent as it is now; a write after this point marks it dirty again (WritePage).
        if (_dirty[page])
        {
            _dirty[page] = false;
            _dirtyCount--;
        }

        _recordPage = page;
        _recordOffset = 0;
        return true;
    }

    private void WriteHeader(Span<byte> header)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(header.Slice(4), 1);
        BinaryPrimitives.WriteInt32BigEndian(header.Slice(8), PageSize);
        BinaryPrimitives.WriteInt32BigEndian(header.Slice(12), PageCount);
    }

    private void CheckHeader(ReadOnlySpan<byte> header)
    {
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        uint version = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(4));
        int pageSize = BinaryPrimitives.ReadInt32BigEndian(header.Slice(8));
        int pageCount = BinaryPrimitives.ReadInt32BigEndian(header.Slice(12));
        if (magic != Magic || version != 1)
        {
            throw Bad($"the data stream does not start with an accelerator header (magic {magic:X8}, version {version})");
        }

        if (pageSize != PageSize || pageCount != PageCount)
        {
            throw Bad($"the source has {pageCount} pages of {pageSize} bytes; this device has {PageCount} pages of {PageSize} bytes");
        }
    }

    private static MigrationFormatException Bad(string detail) =>
        new(MigrationErrorKind.UnexpectedValue, $"Accelerator data: {detail}.", -1, null, DeviceType.Id, null, null);

    /// <summary>The accelerator's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Root = new("vfio-accel");

        /// <summary>Control register.</summary>
        public static readonly FieldSpec<uint> Control = Root.UInt32("control", 0);

        /// <summary>Status register.</summary>
        public static readonly FieldSpec<uint> Status = Root.UInt32("status", 1);

        /// <summary>Doorbell register.</summary>
        public static readonly FieldSpec<ulong> Doorbell = Root.UInt64("doorbell", 2);

        /// <summary>Command queue head.</summary>
        public static readonly FieldSpec<uint> QueueHead = Root.UInt32("queue_head", 3);

        /// <summary>Command queue tail.</summary>
        public static readonly FieldSpec<uint> QueueTail = Root.UInt32("queue_tail", 4);

        /// <summary>Completed jobs: statistics, safe to lose.</summary>
        public static readonly FieldSpec<ulong> CompletedJobs = Root.UInt64("completed_jobs", 5, skippable: true, since: 2);

        /// <summary>Context id.</summary>
        public static readonly FieldSpec<uint> ContextId = Root.UInt32("context_id", 6, since: 3);

        /// <summary>Pending fault group.</summary>
        public static readonly OptionalSpec Fault = Root.Optional("fault", 7, since: 3, description: "Sent while a fault is pending");

        /// <summary>Faulting address.</summary>
        public static readonly FieldSpec<ulong> FaultAddress = Fault.Members.UInt64("address", 0, since: 3);

        /// <summary>Fault code.</summary>
        public static readonly FieldSpec<ushort> FaultCode = Fault.Members.UInt16("code", 1, since: 3);
    }
}
