using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using MigrationFormat.Ber;

namespace MigrationFormat.Visitors;

/// <summary>
/// The state of one device load from BER: the input, the destination's layout, the open scopes, the load report.
/// <see cref="BerInputVisitor"/> is a thin handle on it. Fields are matched by tag in visit order: a tag the
/// destination does not know is skipped when it is <c>[PRIVATE n]</c> and fails the load when it is <c>[n]</c>;
/// a known field missing from the stream fails the load when the stream's version requires it.
/// </summary>
internal sealed class BerLoadSession
{
    // The open scopes, innermost last; Frame objects are reused across loads so that a load allocates none.
    private Frame[] _frames = new Frame[8];
    private int _frameCount;
    private readonly BerLoadOptions _options;
    private string _device = string.Empty;

    public BerLoadSession(BerInputSource input, BerLoadOptions options)
    {
        Input = input;
        _options = options;
        FieldNames = options.FieldNames;
    }

    public BerInputSource Input { get; }

    public LoadReport Report { get; } = new();

    /// <summary>Gets or sets the transaction the current load runs in: it stages blobs and rewinds a fast attempt that gives up.</summary>
    public LoadTransaction Transaction { get; set; } = null!;

    public int Version { get; private set; }

    /// <summary>Gets or sets a value indicating whether <see cref="VisitState"/> tries the optimistic path first (tests compare both paths).</summary>
    public bool Optimistic { get; set; } = true;

    public int StreamVersion { get; private set; }

    /// <summary>Gets the id of the device being loaded; field paths start with it.</summary>
    public string Device => _device;

    /// <summary>Gets or sets what names the fields the destination does not know, or <see langword="null"/> to show them by tag.</summary>
    public IFieldNameResolver? FieldNames { get; set; }

    /// <summary>Starts a device: the input is positioned just inside the device's state value.</summary>
    public void Begin(string device, StateLayout layout, int streamVersion)
    {
        _device = device;
        Version = layout.Version;
        StreamVersion = streamVersion;
        _frameCount = 0;
        PushFrame(layout.Root, Input.Depth, null, 0, false);
        Report.Clear();
    }

    /// <summary>
    /// Loads the device's fields: first optimistically, when the stream has the device's own version and the state
    /// is in memory (<see cref="BerFastInputVisitor"/>), else, or when that path gives up, through
    /// <see cref="BerInputVisitor"/> after putting back what the first attempt wrote.
    /// </summary>
    public void VisitState(IDeviceState device, bool optimistic = true)
    {
        if (optimistic && Optimistic && StreamVersion == Version && Input.TryGetUnboundedRemainder(out ReadOnlySpan<byte> rest))
        {
            if (BerFastInputVisitor.TryLoad(device, rest, out int used))
            {
                Input.AcceptBalanced(used);
                return;
            }

            Transaction.Rewind();
        }

        var visitor = new BerInputVisitor(this);
        device.Visit(ref visitor);
    }

    /// <summary>Finishes a device: consumes the rest of the state value (unknown skippable fields) and its end.</summary>
    public void End()
    {
        CloseFrame();
        if (_frameCount != 0)
        {
            throw new InvalidOperationException("The Visit method left a structure, list or optional group open.");
        }
    }

    public bool Seek(FieldSpec field)
    {
        if (!field.ExistsIn(Version))
        {
            return false;
        }

        Frame frame = _frames[_frameCount - 1];
        while (true)
        {
            if (!Input.Peek() || Input.TokenType == BerTokenType.EndConstructed)
            {
                return Missing(field);
            }

            BerTag tag = Input.Tag;
            if (tag.TagClass is BerTagClass.Universal or BerTagClass.Application)
            {
                LoadThrowHelper.ThrowUnexpectedValue(this, field, $"Expected a field tag ([n] or [PRIVATE n]); found {tag}.");
            }

            if (tag.TagNumber == (ulong)field.Tag)
            {
                if (tag.IsConstructed != field.Kind.IsConstructed())
                {
                    string expected = field.Kind.IsConstructed() ? "constructed" : "primitive";
                    LoadThrowHelper.ThrowUnexpectedValue(this, field, $"Expected a {expected} value ({field.Kind.SchemaName()}); found {tag}.");
                }

                return true;
            }

            LayoutNode? known = tag.TagNumber <= int.MaxValue ? frame.Node.FindChild((int)tag.TagNumber) : null;
            if (known is not null)
            {
                // The stream moved on to a later field the destination knows: the wanted one is absent.
                return Missing(field);
            }

            SkipUnknown(tag);
        }
    }

    public void SkipUnknown(BerTag tag)
    {
        if (tag.TagClass != BerTagClass.Private)
        {
            LoadThrowHelper.ThrowUnknownRequiredField(this, tag);
        }

        if (!Report.SkippedListIsFull)
        {
            Report.AddSkipped(PathOfUnknown(tag));
        }

        Input.SkipValue();
    }

    public void OpenFrame(FieldSpec field)
    {
        Input.Accept();
        LayoutNode node = _frames[_frameCount - 1].Node.FindChild(field.Tag)
            ?? throw new InvalidOperationException(
                $"Field '{field.Name}' is not in the layout of version {Version}; the Visit method visits differently than it describes.");
        PushFrame(node, Input.Depth, field, 0, false);
    }

    public void OpenElement()
    {
        Frame list = _frames[_frameCount - 1];
        if (!Input.Peek() || Input.TokenType != BerTokenType.StartConstructed || Input.Tag != BerTag.Sequence)
        {
            LoadThrowHelper.ThrowUnexpectedValue(
                this,
                null,
                $"Expected list element {list.ElementIndex} of {list.ElementCount} as a SEQUENCE; found {Describe()}.");
        }

        Input.Accept();
        PushFrame(list.Node, Input.Depth, list.Field, list.ElementIndex, true);
    }

    public void CloseElement()
    {
        CloseFrame();
        _frames[_frameCount - 1].ElementIndex++;
    }

    public void CloseList()
    {
        Frame list = _frames[_frameCount - 1];
        if (!Input.Peek() || Input.TokenType != BerTokenType.EndConstructed)
        {
            LoadThrowHelper.ThrowUnexpectedValue(
                this,
                null,
                $"Expected the end of the list after the {list.ElementCount} elements it declared; found {Describe()}.");
        }

        Input.Accept();
        _frameCount--;
    }

    /// <summary>Consumes what is left of the innermost scope: unknown skippable fields, then its end.</summary>
    public void CloseFrame()
    {
        Frame frame = _frames[_frameCount - 1];
        while (true)
        {
            if (!Input.Peek())
            {
                LoadThrowHelper.ThrowTruncated(this, null, "The input ended inside a structure; its end was expected.");
            }

            if (Input.TokenType == BerTokenType.EndConstructed && Input.Depth == frame.Depth)
            {
                Input.Accept();
                break;
            }

            BerTag tag = Input.Tag;
            if (tag.TagClass is BerTagClass.Universal or BerTagClass.Application)
            {
                LoadThrowHelper.ThrowUnexpectedValue(this, null, $"Expected a field tag or the end of the structure; found {tag}.");
            }

            if (tag.TagNumber <= int.MaxValue && frame.Node.FindChild((int)tag.TagNumber) is { } known)
            {
                LoadThrowHelper.ThrowUnexpectedValue(
                    this,
                    known.Field,
                    $"Expected the end of the structure; found {tag}, a known field out of visit order or twice.");
            }

            SkipUnknown(tag);
        }

        _frameCount--;
    }

    public int ReadListCount(FieldSpec field)
    {
        Frame frame = _frames[_frameCount - 1];
        if (!Input.Peek() || Input.TokenType != BerTokenType.Primitive || Input.Tag != BerTag.Integer)
        {
            LoadThrowHelper.ThrowUnexpectedValue(this, null, $"Expected the list's element count (INTEGER) first; found {Describe()}.");
        }

        Input.Accept();
        long count = DecodeSigned(field);
        int max = field.Length > 0 ? field.Length : _options.EffectiveMaxListCount;
        if (count < 0 || count > max)
        {
            ThrowListCount(count, max);
        }

        frame.ElementCount = (int)count;
        return (int)count;
    }

    public long DecodeSigned(FieldSpec field)
    {
        ReadOnlySpan<byte> content = Input.Value;
        BerDecodeStatus status = BerDecoder.TryDecodeInt64(content, out long value);
        if (status != BerDecodeStatus.Done)
        {
            LoadThrowHelper.ThrowInteger(this, field, status, content, unsigned: false);
        }

        return value;
    }

    public ulong DecodeUnsigned(FieldSpec field)
    {
        ReadOnlySpan<byte> content = Input.Value;
        BerDecodeStatus status = BerDecoder.TryDecodeUInt64(content, out ulong value);
        if (status != BerDecodeStatus.Done)
        {
            LoadThrowHelper.ThrowInteger(this, field, status, content, unsigned: true);
        }

        return value;
    }

    public string DecodeString(FieldSpec field)
    {
        ReadOnlySpan<byte> content = Input.Value;
        CheckMaxLength(field, content.Length);
        if (!System.Text.Unicode.Utf8.IsValid(content))
        {
            LoadThrowHelper.ThrowInvalidEncoding(this, field, "Expected UTF-8 text; the contents are not valid UTF-8.");
        }

        return Encoding.UTF8.GetString(content);
    }

    public void CheckMaxLength(FieldSpec field, long length)
    {
        if (field.Length > 0 && length > field.Length)
        {
            ThrowTooLong(field, length);
        }
    }

    public long MaxBlobLength(FieldSpec field) => field.Length > 0 ? field.Length : _options.EffectiveMaxBlobLength;

    public string Describe() => Input.TokenType switch
    {
        BerTokenType.EndConstructed => "the end of the structure",
        BerTokenType.None => "the end of the input",
        _ => Input.Tag.ToString(),
    };

    /// <summary>
    /// Gets the path of a field of the innermost open scope, or of that scope itself, with its tag, e.g.
    /// <c>serial.fifo_timeout.deadline_ns [0]</c>.
    /// </summary>
    public string PathOf(FieldSpec field)
    {
        Frame innermost = _frames[_frameCount - 1];
        if (_frameCount > 1 && !innermost.IsElement && ReferenceEquals(innermost.Field, field))
        {
            return ScopePath();
        }

        return AppendTag(AppendScope(new StringBuilder()).Append('.').Append(field.Name).Append(' '), field).ToString();
    }

    /// <summary>
    /// Gets the path of a field of the innermost open scope that the destination does not know: named by
    /// <see cref="FieldNames"/> when it can (<c>serial.timer [PRIVATE 3]</c>), else by its tag alone (<c>serial.[PRIVATE 3]</c>).
    /// </summary>
    public string PathOfUnknown(BerTag tag)
    {
        string? name = FieldNames is { } names && tag.TagNumber <= int.MaxValue
            ? names.GetFieldName(_device, StreamVersion, ScopeTags(), (int)tag.TagNumber)
            : null;
        StringBuilder path = AppendScope(new StringBuilder()).Append('.');
        if (name is not null)
        {
            path.Append(name).Append(' ');
        }

        return path.Append(tag.AsConstructed(false).ToString()).ToString();
    }

    /// <summary>
    /// Gets the path of the innermost open scope: the device (<c>serial</c>), a structure, list or optional group with
    /// its tag (<c>serial.fifo_timeout [11]</c>), or a list element (<c>virtio.queues[2]</c>).
    /// </summary>
    public string ScopePath()
    {
        StringBuilder path = AppendScope(new StringBuilder());
        Frame innermost = _frames[_frameCount - 1];
        return (_frameCount > 1 && !innermost.IsElement ? AppendTag(path.Append(' '), innermost.Field!) : path).ToString();
    }

    private static StringBuilder AppendTag(StringBuilder path, FieldSpec field) =>
        path.Append(field.IsSkippable ? "[PRIVATE " : "[").Append(field.Tag.ToString(CultureInfo.InvariantCulture)).Append(']');

    private StringBuilder AppendScope(StringBuilder path)
    {
        path.Append(_device);
        for (int i = 1; i < _frameCount; i++)
        {
            Frame frame = _frames[i];
            if (frame.IsElement)
            {
                path.Append('[').Append(frame.ElementIndex.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else
            {
                path.Append('.').Append(frame.Field!.Name);
            }
        }

        return path;
    }

    /// <summary>Gets the tag numbers of the open structures, lists and optional groups, outermost first (a list's elements add none).</summary>
    private int[] ScopeTags()
    {
        var tags = new List<int>(_frameCount);
        for (int i = 1; i < _frameCount; i++)
        {
            if (!_frames[i].IsElement)
            {
                tags.Add(_frames[i].Field!.Tag);
            }
        }

        return [.. tags];
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowListCount(long count, int max) =>
        LoadThrowHelper.ThrowLimitExceeded(this, _frames[_frameCount - 1].Field!, $"Expected at most {max} elements; the list declares {count}.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowTooLong(FieldSpec field, long length) =>
        LoadThrowHelper.ThrowLimitExceeded(this, field, $"Expected at most {field.Length} bytes; the stream has {length}.");

    private bool Missing(FieldSpec field)
    {
        bool required = field.IsMustParse && field.ExistsIn(StreamVersion) && field.Kind != FieldKind.Optional;
        if (required)
        {
            LoadThrowHelper.ThrowMissingRequiredField(this, field);
        }

        if (field.Kind != FieldKind.Optional)
        {
            Report.AddDefaulted(PathOf(field));
        }

        return false;
    }

    private void PushFrame(LayoutNode node, int depth, FieldSpec? field, int elementIndex, bool isElement)
    {
        if (_frameCount == _frames.Length)
        {
            Array.Resize(ref _frames, _frameCount * 2);
        }

        Frame frame = _frames[_frameCount] ??= new Frame();
        frame.Node = node;
        frame.Depth = depth;
        frame.Field = field;
        frame.IsElement = isElement;
        frame.ElementIndex = elementIndex;
        frame.ElementCount = 0;
        _frameCount++;
    }

    private sealed class Frame
    {
        public LayoutNode Node { get; set; } = null!;

        public int Depth { get; set; }

        public FieldSpec? Field { get; set; }

        public bool IsElement { get; set; }

        public int ElementIndex { get; set; }

        public int ElementCount { get; set; }
    }
}
