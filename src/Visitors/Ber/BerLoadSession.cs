using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
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
    }

    public BerInputSource Input { get; }

    public LoadReport Report { get; } = new();

    /// <summary>Gets or sets the transaction the current load runs in: it stages blobs and rewinds a fast attempt that gives up.</summary>
    public LoadTransaction Transaction { get; set; } = null!;

    public int Version { get; private set; }

    /// <summary>Gets or sets a value indicating whether <see cref="VisitState"/> tries the optimistic path first (tests compare both paths).</summary>
    public bool Optimistic { get; set; } = true;

    public int StreamVersion { get; private set; }

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

    public MigrationFormatException Fail(MigrationErrorKind kind, string detail, string? fieldName = null, long offset = -1) =>
        new(kind, detail, offset >= 0 ? offset : Input.TokenOffset, PathOf(fieldName), _device, StreamVersion, Version);

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
                throw Fail(MigrationErrorKind.UnexpectedValue, $"Expected a field tag ([n] or [PRIVATE n]), found {tag}.", field.Name);
            }

            if (tag.TagNumber == (ulong)field.Tag)
            {
                if (tag.IsConstructed != field.Kind.IsConstructed())
                {
                    string expected = field.Kind.IsConstructed() ? "constructed" : "primitive";
                    throw Fail(MigrationErrorKind.UnexpectedValue, $"Field '{field.Name}' ({field.Kind.SchemaName()}) is {expected}; found {tag}.", field.Name);
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
            throw Fail(
                MigrationErrorKind.UnknownRequiredField,
                $"The stream carries must-parse field {tag} that version {Version} does not know; it cannot be skipped safely.",
                "[" + tag.TagNumber.ToString(CultureInfo.InvariantCulture) + "]");
        }

        if (!Report.SkippedListIsFull)
        {
            Report.AddSkipped(_device + ": " + PathOf("[PRIVATE " + tag.TagNumber.ToString(CultureInfo.InvariantCulture) + "]"));
        }

        Input.SkipValue();
    }

    public void OpenFrame(FieldSpec field)
    {
        Input.Accept();
        LayoutNode node = _frames[_frameCount - 1].Node.FindChild(field.Tag)
            ?? throw new InvalidOperationException($"Field '{field.Name}' is not in the layout of version {Version}; the Visit method visits differently than it describes.");
        PushFrame(node, Input.Depth, field, 0, false);
    }

    public void OpenElement()
    {
        Frame list = _frames[_frameCount - 1];
        if (!Input.Peek() || Input.TokenType != BerTokenType.StartConstructed || Input.Tag != BerTag.Sequence)
        {
            throw Fail(MigrationErrorKind.UnexpectedValue, $"Expected list element {list.ElementIndex} as a SEQUENCE, found {Describe()}.");
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
            throw Fail(MigrationErrorKind.UnexpectedValue, $"List '{list.Field!.Name}' declared {list.ElementCount} elements but carries more.");
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
                throw Fail(MigrationErrorKind.Truncated, "The input ended inside a structure.");
            }

            if (Input.TokenType == BerTokenType.EndConstructed && Input.Depth == frame.Depth)
            {
                Input.Accept();
                break;
            }

            BerTag tag = Input.Tag;
            if (tag.TagClass is BerTagClass.Universal or BerTagClass.Application)
            {
                throw Fail(MigrationErrorKind.UnexpectedValue, $"Expected a field tag or the end of the structure, found {tag}.");
            }

            if (tag.TagNumber <= int.MaxValue && frame.Node.FindChild((int)tag.TagNumber) is { } known)
            {
                throw Fail(MigrationErrorKind.UnexpectedValue, $"Field '{known.Field!.Name}' {tag} appears out of visit order or twice.", known.Field.Name);
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
            throw Fail(MigrationErrorKind.UnexpectedValue, $"List '{field.Name}' must start with its element count (INTEGER); found {Describe()}.", field.Name);
        }

        Input.Accept();
        long count = DecodeSigned(field);
        int max = field.Length > 0 ? field.Length : _options.EffectiveMaxListCount;
        if (count < 0 || count > max)
        {
            throw Fail(MigrationErrorKind.LimitExceeded, $"List '{field.Name}' declares {count} elements; at most {max} are accepted.", field.Name);
        }

        frame.ElementCount = (int)count;
        return (int)count;
    }

    public long DecodeSigned(FieldSpec field)
    {
        if (BerDecoder.TryDecodeInt64(Input.Value, out long value, out string? error) != System.Buffers.OperationStatus.Done)
        {
            throw Fail(error!.Contains("fit", StringComparison.Ordinal) ? MigrationErrorKind.IntegerOutOfRange : MigrationErrorKind.InvalidEncoding, $"Field '{field.Name}': {error}.", field.Name);
        }

        return value;
    }

    public ulong DecodeUnsigned(FieldSpec field)
    {
        ReadOnlySpan<byte> content = Input.Value;
        if (BerDecoder.TryDecodeUInt64(content, out ulong value, out string? error) != System.Buffers.OperationStatus.Done)
        {
            bool range = BerDecoder.CheckIntegerForm(content, out _);
            throw Fail(range ? MigrationErrorKind.IntegerOutOfRange : MigrationErrorKind.InvalidEncoding, $"Field '{field.Name}' ({field.Kind.SchemaName()}): {error}.", field.Name);
        }

        return value;
    }

    public MigrationFormatException OutOfRange(FieldSpec field, string value) =>
        Fail(MigrationErrorKind.IntegerOutOfRange, $"Field '{field.Name}' is {field.Kind.SchemaName()}; the stream's value {value} does not fit.", field.Name);

    public string DecodeString(FieldSpec field)
    {
        ReadOnlySpan<byte> content = Input.Value;
        CheckMaxLength(field, content.Length);
        try
        {
            return StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException ex)
        {
            throw new MigrationFormatException(MigrationErrorKind.InvalidEncoding, $"Field '{field.Name}' is not valid UTF-8.", Input.TokenOffset, PathOf(field.Name), _device, StreamVersion, Version, ex);
        }
    }

    public void CheckMaxLength(FieldSpec field, long length)
    {
        if (field.Length > 0 && length > field.Length)
        {
            throw Fail(MigrationErrorKind.LimitExceeded, $"Field '{field.Name}' holds at most {field.Length} bytes; the stream has {length}.", field.Name);
        }
    }

    public long MaxBlobLength(FieldSpec field) => field.Length > 0 ? field.Length : _options.EffectiveMaxBlobLength;

    public string Describe() => Input.TokenType switch
    {
        BerTokenType.EndConstructed => "the end of the structure",
        BerTokenType.None => "the end of the input",
        _ => Input.Tag.ToString(),
    };

    public string PathOf(string? leaf)
    {
        var path = new StringBuilder();
        for (int i = 1; i < _frameCount; i++)
        {
            Frame frame = _frames[i];
            if (frame.IsElement)
            {
                path.Append('[').Append(frame.ElementIndex.ToString(CultureInfo.InvariantCulture)).Append(']');
                continue;
            }

            if (path.Length > 0)
            {
                path.Append('.');
            }

            path.Append(frame.Field!.Name);
        }

        if (leaf is not null)
        {
            if (path.Length > 0 && leaf[0] != '[')
            {
                path.Append('.');
            }

            path.Append(leaf);
        }

        return path.Length == 0 ? "<device>" : path.ToString();
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private bool Missing(FieldSpec field)
    {
        bool required = field.IsMustParse && field.ExistsIn(StreamVersion) && field.Kind != FieldKind.Optional;
        if (required)
        {
            throw Fail(
                MigrationErrorKind.MissingRequiredField,
                $"Must-parse field '{field.Name}' [{field.Tag}] exists in version {StreamVersion} but the stream lacks it; found {Describe()}.",
                field.Name);
        }

        if (field.Kind != FieldKind.Optional)
        {
            Report.AddDefaulted(_device + ": " + PathOf(field.Name));
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
