using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using MigrationFormat.Ber;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.Walking;

/// <summary>
/// Reads a BER input once, forward only, one token at a time, and says what each value is: the framing of a BER
/// migration stream (docs/wire-format.md), the fields of each section named by its schema, or plain BER. It verifies
/// checksums and the section count, and checks each section against its schema, as it goes; what does not stop the
/// walk is collected in <see cref="TakeProblems"/>, what does is thrown as <see cref="MigrationFormatException"/>.
/// </summary>
/// <remarks>
/// Memory is bounded by the open nesting (at most <see cref="BerReaderOptions.DefaultMaxDepth"/> frames), one value's
/// contents, and the schemas the stream embeds (inflated, charged to the resource budget: a constant plus a multiple of
/// the input read); nothing grows with the number of values, and nothing recurses.
/// </remarks>
internal sealed class StreamWalker : IDisposable
{
    private readonly BerInputSource _source;
    private readonly Func<string, int, ConfigurationRecord?, DeviceSchema?>? _deviceSchemas;
    private readonly List<Frame> _frames = [];
    private readonly Queue<WalkToken> _queue = new();
    private readonly WalkToken _live = new();
    private readonly List<WalkProblem> _problems = [];
    private readonly Dictionary<string, DeviceSchema> _schemas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _schemaDocuments = new(StringComparer.Ordinal);
    private WalkToken _current;
    private readonly ResourceMeter _meter;
    private bool _any;
    private bool _integrity;
    private bool _ended;
    private int _sections;

    /// <summary>Creates a walker.</summary>
    /// <param name="input">The input, read forward only; not disposed.</param>
    /// <param name="deviceSchemas">
    /// Gives the schema of a device version the tool knows, in the layout of the section's configuration (or
    /// <see langword="null"/> when it carries none), for sections the stream does not describe; or <see langword="null"/>.
    /// </param>
    /// <param name="budget">What the embedded schemas may take, inflated, over all documents.</param>
    public StreamWalker(Stream input, Func<string, int, ConfigurationRecord?, DeviceSchema?>? deviceSchemas, ResourceBudget budget = default)
    {
        _source = new BerInputSource(input) { TrackChecksums = true };
        _meter = new ResourceMeter(budget);
        _deviceSchemas = deviceSchemas;
        _current = _live;
    }

    private enum Mode
    {
        Generic,
        Stream,
        Header,
        Capabilities,
        Schemas,
        SchemaEntry,
        Sections,
        Section,
        Configuration,
        ConfigurationItems,
        Fields,
        List,
        Array,
        Blob,
        Trailer,
        Abandoned,
    }

    /// <summary>Gets the current token.</summary>
    public WalkToken Current => _current;

    /// <summary>Gets a value indicating whether the input is a BER migration stream (known after the first token).</summary>
    public bool IsMigrationStream { get; private set; }

    /// <summary>Gets the header's capabilities, as read so far.</summary>
    public List<string> Capabilities { get; } = [];

    /// <summary>Gets the parsed embedded schemas read so far, keyed <c>id/vN</c>.</summary>
    public IReadOnlyDictionary<string, DeviceSchema> Schemas => _schemas;

    /// <summary>Gets the embedded schema documents read so far (inflated), keyed <c>id/vN</c>, in stream order of first appearance.</summary>
    public IReadOnlyDictionary<string, byte[]> SchemaDocuments => _schemaDocuments;

    /// <summary>Gets the number of bytes read so far.</summary>
    public long Position => _source.Position;

    /// <summary>Gets and clears the problems found since the last call.</summary>
    /// <returns>The problems, in the order found.</returns>
    public WalkProblem[] TakeProblems()
    {
        if (_problems.Count == 0)
        {
            return [];
        }

        WalkProblem[] problems = [.. _problems];
        _problems.Clear();
        return problems;
    }

    /// <summary>Reads the next token.</summary>
    /// <returns><see langword="false"/> at the end of the input.</returns>
    /// <exception cref="MigrationFormatException">The input is malformed, cut, or breaks the stream's framing.</exception>
    public bool Read()
    {
        if (_queue.Count > 0)
        {
            _current = _queue.Dequeue();
            return true;
        }

        _current = _live;
        if (!ReadNext(_live, ownCopy: false))
        {
            return false;
        }

        if (_live.Role == WalkRole.Section && _live.Kind == WalkTokenKind.Start)
        {
            // Name the section before its children: its id, instance and version are its first three values.
            SectionInfo section = _frames[^1].Section!;
            var start = new WalkToken();
            Copy(_live, start);
            _current = start;
            for (int i = 0; i < 3 && _source.Peek() && _source.TokenType == BerTokenType.Primitive; i++)
            {
                var child = new WalkToken();
                ReadNext(child, ownCopy: true);
                _queue.Enqueue(child);
            }

            start.Name = "section " + section.Label;
            start.Section = section;
        }

        return true;
    }

    /// <summary>Skips the rest of the current constructed value's contents (after its start token), up to and including its end token.</summary>
    public void SkipToEnd()
    {
        int depth = _frames.Count;
        while (Read())
        {
            if (_current.Kind == WalkTokenKind.End && _frames.Count < depth)
            {
                return;
            }
        }
    }

    public void Dispose() => _source.Dispose();

    private static void Copy(WalkToken from, WalkToken to)
    {
        to.Kind = from.Kind;
        to.Offset = from.Offset;
        to.EndOffset = from.EndOffset;
        to.Tag = from.Tag;
        to.Length = from.Length;
        to.Depth = from.Depth;
        to.Role = from.Role;
        to.Name = from.Name;
        to.Flag = from.Flag;
        to.Field = from.Field;
        to.Path = from.Path;
        to.Section = from.Section;
        to.Checksum = from.Checksum;
        to.Index = from.Index;
    }

    private bool ReadNext(WalkToken token, bool ownCopy)
    {
        token.Reset();
        if (!_source.Peek())
        {
            if (!_any)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.Truncated,
                    "Expected a BER migration stream, a QEMU savevm stream or BER; found an empty input.",
                    0);
            }

            return false;
        }

        Frame? parent = _frames.Count > 0 ? _frames[^1] : null;
        token.Offset = _source.TokenOffset;
        token.Depth = _frames.Count;
        token.Section = CurrentSection();
        if (_source.TokenType == BerTokenType.EndConstructed)
        {
            _source.Accept();
            Frame done = _frames[^1];
            _frames.RemoveAt(_frames.Count - 1);
            token.Kind = WalkTokenKind.End;
            token.Offset = done.Offset;
            token.EndOffset = _source.Position;
            token.Tag = done.Tag;
            token.Length = done.Length;
            token.Depth = _frames.Count;
            token.Role = done.Role;
            token.Name = done.Name;
            token.Flag = done.Flag;
            token.Field = done.Field;
            token.Path = done.Path;
            token.Section = done.Section ?? token.Section;
            token.Index = done.Index;
            End(done);
            return true;
        }

        bool constructed = _source.TokenType == BerTokenType.StartConstructed;
        token.Kind = constructed ? WalkTokenKind.Start : WalkTokenKind.Primitive;
        token.Tag = _source.Tag;
        token.Length = _source.Length;
        token.Index = parent?.Children ?? 0;
        Mode childMode = Classify(parent, token, constructed, out IList<FieldSchema>? childLayout);
        if (token.Role == WalkRole.Checksum)
        {
            uint? computed = parent!.Mode == Mode.Section ? _source.SectionChecksum : _source.StreamChecksum;
            token.Checksum = new ChecksumCheck(computed.Value, null);
        }

        if (token.Role == WalkRole.Section)
        {
            _source.MarkSection();
        }

        _source.Accept();
        _any = true;
        if (parent is not null)
        {
            parent.Children++;
        }

        if (constructed)
        {
            var frame = new Frame
            {
                Mode = childMode,
                Layout = childLayout,
                Role = token.Role,
                Field = token.Field,
                Flag = token.Flag,
                Name = token.Name,
                Path = token.Path,
                Offset = token.Offset,
                Tag = token.Tag,
                Length = token.Length,
                Index = token.Index,
                Section = token.Role == WalkRole.Section ? new SectionInfo { Offset = token.Offset } : null,
            };
            if (childLayout is not null)
            {
                frame.Seen = new bool[childLayout.Count];
            }

            _frames.Add(frame);
            if (frame.Section is not null)
            {
                token.Section = frame.Section;
            }

            return true;
        }

        token.SetContents(_source.Value, ownCopy);
        token.EndOffset = _source.Position;
        Primitive(parent, token);
        return true;
    }

    private SectionInfo? CurrentSection()
    {
        for (int i = _frames.Count - 1; i >= 0; i--)
        {
            if (_frames[i].Section is { } section)
            {
                return section;
            }
        }

        return null;
    }

    /// <summary>Decides what a value is from where it stands; returns how its children (if constructed) are read.</summary>
    private Mode Classify(Frame? parent, WalkToken token, bool constructed, out IList<FieldSchema>? childLayout)
    {
        childLayout = null;
        BerTag tag = token.Tag;
        if (parent is null)
        {
            if (_ended)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.InvalidEncoding,
                    $"Expected nothing after the end of the migration stream; found {tag}.",
                    token.Offset);
            }

            if (!_any && tag == MigrationStreamFormat.StreamTag)
            {
                IsMigrationStream = true;
                token.Role = WalkRole.Stream;
                token.Name = "migration stream";
                return Mode.Stream;
            }

            return Mode.Generic;
        }

        token.Path = parent.Path;
        switch (parent.Mode)
        {
            case Mode.Stream:
                return ClassifyInStream(parent, token);
            case Mode.Sections:
                // Format version 2 wraps the sections in one value: nothing but sections stands inside it.
                if (token.Tag != MigrationStreamFormat.SectionTag)
                {
                    throw Unexpected(token, $"a section {MigrationStreamFormat.SectionTag} or the end of the sections");
                }

                token.Role = WalkRole.Section;
                token.Name = "section";
                return Mode.Section;
            case Mode.Header:
                switch (parent.Children)
                {
                    case 0:
                        Expect(token, BerTag.Integer, "the format version");
                        token.Role = WalkRole.FormatVersion;
                        token.Name = "format_version";
                        return Mode.Generic;
                    case 1:
                        Expect(token, BerTag.Utf8String, "the producer");
                        token.Role = WalkRole.Producer;
                        token.Name = "producer";
                        return Mode.Generic;
                    case 2:
                        Expect(token, BerTag.Sequence, "the capabilities (SEQUENCE OF UTF8String)");
                        token.Role = WalkRole.Capabilities;
                        token.Name = "capabilities";
                        return Mode.Capabilities;
                    default:
                        token.Role = WalkRole.Extension;
                        return Mode.Generic;
                }

            case Mode.Capabilities:
                Expect(token, BerTag.Utf8String, "a capability");
                token.Role = WalkRole.Capability;
                return Mode.Generic;
            case Mode.Schemas:
                Expect(token, BerTag.Sequence, "an embedded schema (SEQUENCE { key, document })");
                token.Role = WalkRole.Schema;
                token.Name = "schema";
                return Mode.SchemaEntry;
            case Mode.SchemaEntry:
                if (parent.Children == 0)
                {
                    Expect(token, BerTag.Utf8String, "the schema's key");
                    token.Role = WalkRole.SchemaKey;
                    token.Name = "key";
                    return Mode.Generic;
                }

                if (parent.Children == 1 && !constructed && (tag == BerTag.OctetString || tag == MigrationStreamFormat.CompressedSchemaTag))
                {
                    token.Role = WalkRole.SchemaDocument;
                    token.Name = tag == BerTag.OctetString ? "document" : "document (deflated)";
                    return Mode.Generic;
                }

                throw Unexpected(token, parent.Children == 1 ? "the schema document (OCTET STRING, or [0] deflated)" : "the end of the embedded schema");
            case Mode.Section:
                return ClassifyInSection(parent, token, constructed, out childLayout);
            case Mode.Configuration:
                return ClassifyInConfiguration(parent, token);
            case Mode.ConfigurationItems:
                return ClassifyConfigurationItem(parent, token, constructed);
            case Mode.Trailer:
                if (parent.Children == 0)
                {
                    Expect(token, BerTag.Integer, "the section count");
                    token.Role = WalkRole.SectionCount;
                    token.Name = "section_count";
                    return Mode.Generic;
                }

                if (parent.Children == 1 && !constructed && tag == MigrationStreamFormat.ChecksumTag)
                {
                    token.Role = WalkRole.Checksum;
                    token.Name = "crc32c";
                    return Mode.Generic;
                }

                token.Role = WalkRole.Extension;
                return Mode.Generic;
            case Mode.Abandoned:
                if (parent.Children == 0)
                {
                    Expect(token, BerTag.Integer, "the abandoned stream's section count");
                    token.Role = WalkRole.AbandonedCount;
                    token.Name = "sections_written";
                    return Mode.Generic;
                }

                token.Role = WalkRole.Extension;
                return Mode.Generic;
            case Mode.Fields:
                return ClassifyField(parent, token, constructed, out childLayout);
            case Mode.List:
                if (parent.Children == 0)
                {
                    token.Role = WalkRole.ListCount;
                    token.Name = "count";
                    if (tag != BerTag.Integer)
                    {
                        Problem(ProblemCategory.Schema, token, $"Expected the list's element count as an INTEGER; found {tag}.");
                    }

                    return Mode.Generic;
                }

                token.Role = WalkRole.ListElement;
                token.Name = "[" + (parent.Children - 1).ToString(CultureInfo.InvariantCulture) + "]";
                token.Path = parent.Path + token.Name;
                if (tag != BerTag.Sequence)
                {
                    Problem(ProblemCategory.Schema, token, $"Expected a list element (SEQUENCE); found {tag}.");
                    return Mode.Generic;
                }

                childLayout = parent.Field!.Fields;
                return Mode.Fields;
            case Mode.Array:
                token.Role = WalkRole.ArrayElement;
                token.Name = "[" + parent.Children.ToString(CultureInfo.InvariantCulture) + "]";
                token.Path = parent.Path + token.Name;
                if (tag != BerTag.Integer)
                {
                    Problem(ProblemCategory.Schema, token, $"Expected an array element (INTEGER); found {tag}.");
                }

                return Mode.Generic;
            case Mode.Blob:
                token.Role = WalkRole.BlobSegment;
                token.Name = "segment " + parent.Children.ToString(CultureInfo.InvariantCulture);
                if (!tag.HasSameClassAndValue(BerTag.OctetString))
                {
                    Problem(ProblemCategory.Schema, token, $"Expected a blob segment (OCTET STRING); found {tag}.");
                    return Mode.Generic;
                }

                return constructed ? Mode.Blob : Mode.Generic;
            default:
                return Mode.Generic;
        }
    }

    private Mode ClassifyInStream(Frame parent, WalkToken token)
    {
        BerTag tag = token.Tag;
        if (parent.Children == 0)
        {
            if (tag != MigrationStreamFormat.HeaderTag)
            {
                throw Unexpected(token, $"the header {MigrationStreamFormat.HeaderTag}");
            }

            token.Role = WalkRole.Header;
            token.Name = "header";
            return Mode.Header;
        }

        if (parent.Ended)
        {
            throw Unexpected(token, "the end of the stream after its trailer");
        }

        if (tag == MigrationStreamFormat.SchemasTag)
        {
            token.Role = WalkRole.Schemas;
            token.Name = "schemas";
            return Mode.Schemas;
        }

        if (tag == MigrationStreamFormat.SectionsTag)
        {
            token.Role = WalkRole.Sections;
            token.Name = "sections";
            return Mode.Sections;
        }

        if (tag == MigrationStreamFormat.SectionTag)
        {
            // Format version 1: the sections stand directly in the stream.
            token.Role = WalkRole.Section;
            token.Name = "section";
            return Mode.Section;
        }

        if (tag == MigrationStreamFormat.TrailerTag)
        {
            parent.Ended = true;
            token.Role = WalkRole.Trailer;
            token.Name = "trailer";
            return Mode.Trailer;
        }

        if (tag == MigrationStreamFormat.AbandonedTag)
        {
            parent.Ended = true;
            token.Role = WalkRole.Abandoned;
            token.Name = "abandoned: the writer was disposed before it completed the stream";
            Problem(
                ProblemCategory.Framing,
                token,
                $"Expected the trailer; found the mark {MigrationStreamFormat.AbandonedTag} of "
                + "a writer disposed before it completed the stream: the stream is incomplete.");
            return Mode.Abandoned;
        }

        throw Unexpected(token, "a section, the schemas or the trailer");
    }

    private Mode ClassifyInSection(Frame parent, WalkToken token, bool constructed, out IList<FieldSchema>? childLayout)
    {
        childLayout = null;
        SectionInfo section = parent.Section!;
        switch (parent.Children)
        {
            case 0:
                Expect(token, BerTag.Utf8String, "the section's device id");
                token.Role = WalkRole.DeviceId;
                token.Name = "device_id";
                return Mode.Generic;
            case 1:
                Expect(token, BerTag.Integer, "the section's instance id");
                token.Role = WalkRole.InstanceId;
                token.Name = "instance_id";
                return Mode.Generic;
            case 2:
                Expect(token, BerTag.Integer, "the section's version");
                token.Role = WalkRole.SectionVersion;
                token.Name = "version";
                return Mode.Generic;
            case 3 when token.Tag == MigrationStreamFormat.ConfigurationTag:
                // The device's model and configuration (docs/catalog.md §3), which name the layout of the state after it.
                section.HasConfiguration = true;
                token.Role = WalkRole.Configuration;
                token.Name = "configuration";
                return Mode.Configuration;
        }

        if (parent.Children == section.StateIndex)
        {
            string expected = section.HasConfiguration
                ? $"the device state {MigrationStreamFormat.StateTag}"
                : $"the configuration {MigrationStreamFormat.ConfigurationTag} or the device state {MigrationStreamFormat.StateTag}";
            if (token.Tag != MigrationStreamFormat.StateTag)
            {
                throw Unexpected(token, expected);
            }

            token.Role = WalkRole.State;
            token.Name = "state";
            section.Schema = FindSchema(section);
            childLayout = section.Schema?.Fields;
            return Mode.Fields;
        }

        if (parent.Children == section.StateIndex + 1 && !constructed && token.Tag == MigrationStreamFormat.ChecksumTag)
        {
            token.Role = WalkRole.Checksum;
            token.Name = "crc32c";
            return Mode.Generic;
        }

        token.Role = WalkRole.Extension;
        return Mode.Generic;
    }

    private static Mode ClassifyInConfiguration(Frame parent, WalkToken token)
    {
        switch (parent.Children)
        {
            case 0:
                Expect(token, BerTag.Utf8String, "the configuration's model");
                RequireShort(token, "the configuration's model");
                token.Role = WalkRole.ConfigurationModel;
                token.Name = "model";
                return Mode.Generic;
            case 1:
                Expect(token, BerTag.Sequence, "the configuration's parameters");
                token.Role = WalkRole.ConfigurationParameters;
                token.Name = "parameters";
                return Mode.ConfigurationItems;
            default:
                // A later format version may append values; this one skips them.
                token.Role = WalkRole.Extension;
                return Mode.Generic;
        }
    }

    private static Mode ClassifyConfigurationItem(Frame parent, WalkToken token, bool constructed)
    {
        bool mustParse = token.Tag == MigrationStreamFormat.MustParseItemTag;
        if (constructed || (!mustParse && token.Tag != MigrationStreamFormat.SkippableItemTag))
        {
            throw Unexpected(token, $"a configuration parameter {MigrationStreamFormat.MustParseItemTag} or {MigrationStreamFormat.SkippableItemTag}");
        }

        if (parent.Children >= ConfigurationRecord.MaxItems)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.LimitExceeded,
                string.Create(CultureInfo.InvariantCulture, $"Expected at most {ConfigurationRecord.MaxItems} configuration parameters; found more."),
                token.Offset);
        }

        RequireShort(token, "a configuration parameter");
        token.Role = WalkRole.ConfigurationItem;
        token.Name = "parameter";
        token.Flag = mustParse ? "must-parse" : "skippable";
        return Mode.Generic;
    }

    /// <summary>Refuses a model or configuration item longer than a configuration allows, before its bytes are read.</summary>
    private static void RequireShort(WalkToken token, string what)
    {
        if (token.Length > ConfigurationRecord.MaxTextLength)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.LimitExceeded,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Expected {what} of at most {ConfigurationRecord.MaxTextLength} bytes; found {token.Length}."),
                token.Offset);
        }
    }

    private Mode ClassifyField(Frame parent, WalkToken token, bool constructed, out IList<FieldSchema>? childLayout)
    {
        childLayout = null;
        BerTag tag = token.Tag;
        token.Role = WalkRole.Field;
        string tagText = new BerTag(tag.TagClass, tag.TagNumber).ToString();
        bool fieldClass = tag.TagClass is BerTagClass.ContextSpecific or BerTagClass.Private;
        token.Flag = tag.TagClass switch
        {
            BerTagClass.ContextSpecific => "must-parse",
            BerTagClass.Private => "skippable",
            _ => null,
        };
        string prefix = parent.Path.Length == 0 ? string.Empty : parent.Path + ".";
        token.Path = prefix + tagText;
        if (!fieldClass)
        {
            if (parent.Layout is not null)
            {
                Problem(ProblemCategory.Schema, token, $"Expected a field tag ([n] or [PRIVATE n]); found {tag}.");
            }

            return Mode.Generic;
        }

        int index = FindIndex(parent.Layout, tag.TagNumber);
        if (index < 0)
        {
            if (parent.Layout is not null)
            {
                string schema = token.Section is { } s ? SchemaKeyOf(s) : "its schema";
                Problem(ProblemCategory.Schema, token, $"Expected only fields of {schema}; found {tag}, which it does not describe.");
            }

            // Unknown: its children, if any, are shown as fields with their flags.
            return constructed ? Mode.Fields : Mode.Generic;
        }

        FieldSchema field = parent.Layout![index];
        token.Name = field.Name;
        token.Path = prefix + field.Name;
        CheckPlacement(parent, token, field, index);
        if (field.Kind.IsConstructed() != constructed)
        {
            Problem(
                ProblemCategory.Schema,
                token,
                $"Expected {field.Kind.SchemaName()} {(field.Kind.IsConstructed() ? "constructed" : "primitive")}; found {tag}.");
            return constructed ? Mode.Fields : Mode.Generic;
        }

        token.Field = field;
        switch (field.Kind)
        {
            case FieldKind.List:
                return Mode.List;
            case FieldKind.UInt16Array or FieldKind.UInt32Array or FieldKind.UInt64Array:
                return Mode.Array;
            case FieldKind.Blob:
                return Mode.Blob;
            case FieldKind.Struct or FieldKind.Optional:
                childLayout = field.Fields;
                return Mode.Fields;
            default:
                return Mode.Generic;
        }
    }

    /// <summary>Checks a known field's flag, version, order and uniqueness against its structure's schema.</summary>
    private void CheckPlacement(Frame parent, WalkToken token, FieldSchema field, int index)
    {
        bool skippable = token.Tag.TagClass == BerTagClass.Private;
        if (skippable != field.Skippable)
        {
            Problem(
                ProblemCategory.Schema,
                token,
                $"Expected {(field.Skippable ? "skippable [PRIVATE n]" : "must-parse [n]")} as the schema says; found {token.Tag}.");
        }

        long version = token.Section?.Version ?? -1;
        if (version >= 0 && version <= int.MaxValue && !field.ExistsIn((int)version))
        {
            string range = field.RemovedIn == 0
                ? string.Create(CultureInfo.InvariantCulture, $"from version {field.Since}")
                : string.Create(CultureInfo.InvariantCulture, $"from version {field.Since} to {field.RemovedIn - 1}");
            Problem(
                ProblemCategory.Schema,
                token,
                string.Create(CultureInfo.InvariantCulture, $"Expected the field only {range}; found it in a version {version} section."));
        }

        if (parent.Seen![index])
        {
            Problem(ProblemCategory.Schema, token, "Expected each field once; found it a second time.");
        }
        else if (index < parent.LastIndex)
        {
            Problem(
                ProblemCategory.Schema,
                token,
                $"Expected the fields in the schema's order; found '{field.Name}' after '{parent.Layout![parent.LastIndex].Name}'.");
        }

        parent.Seen[index] = true;
        parent.LastIndex = Math.Max(parent.LastIndex, index);
    }

    private void Primitive(Frame? parent, WalkToken token)
    {
        ReadOnlySpan<byte> contents = token.Contents;
        switch (token.Role)
        {
            case WalkRole.FormatVersion:
                long format = RequireInteger(token, "the format version", 1, int.MaxValue);
                if (format != MigrationStreamFormat.FormatVersion)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.UnsupportedVersion,
                        string.Create(CultureInfo.InvariantCulture, $"Expected format version {MigrationStreamFormat.FormatVersion}; found {format}."),
                        token.Offset);
                }

                break;
            case WalkRole.Producer:
            case WalkRole.SchemaKey:
            case WalkRole.DeviceId:
                string text = RequireText(
                    token,
                    token.Role == WalkRole.DeviceId ? "the device id" : token.Role == WalkRole.Producer ? "the producer" : "the schema's key");
                if (token.Role == WalkRole.SchemaKey)
                {
                    parent!.Key = text;
                }
                else if (token.Role == WalkRole.DeviceId)
                {
                    parent!.Section!.Id = text;
                }

                break;
            case WalkRole.Capability:
                string capability = RequireText(token, "a capability");
                Capabilities.Add(capability);
                _integrity |= capability == MigrationStreamFormat.IntegrityCapability;
                break;
            case WalkRole.SchemaDocument:
                ReadSchemaDocument(parent!, token);
                break;
            case WalkRole.InstanceId:
                parent!.Section!.Instance = RequireInteger(token, "the section's instance id", 0, uint.MaxValue);
                break;
            case WalkRole.SectionVersion:
                parent!.Section!.Version = RequireInteger(token, "the section's version", 1, int.MaxValue);
                break;
            case WalkRole.ConfigurationModel:
                token.Section!.PendingModel = RequireText(token, "the configuration's model");
                break;
            case WalkRole.ConfigurationItem:
                string item = RequireText(token, "a configuration parameter");
                int equals = item.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.UnexpectedValue,
                        $"Expected a configuration parameter as name=value; found '{item}'.",
                        token.Offset);
                }

                token.Section!.PendingItems.Add(new ConfigurationItem(item[..equals], item[(equals + 1)..], token.Flag == "must-parse"));
                break;
            case WalkRole.SectionCount:
                long count = RequireInteger(token, "the section count", 0, int.MaxValue);
                if (count != _sections)
                {
                    Problem(
                        ProblemCategory.Framing,
                        token,
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"Expected the trailer to count the {_sections} section(s) the stream carries; found {count}."));
                }

                break;
            case WalkRole.AbandonedCount:
                RequireInteger(token, "the abandoned stream's section count", 0, int.MaxValue);
                break;
            case WalkRole.Checksum:
                CheckChecksum(parent!, token, contents);
                break;
            case WalkRole.ListCount:
                if (token.Tag == BerTag.Integer && BerDecoder.TryDecodeInt64(contents, out long elements) == BerDecodeStatus.Done && elements >= 0)
                {
                    parent!.Declared = elements;
                    int bound = parent.Field!.Size;
                    if (bound > 0 && elements > bound)
                    {
                        Problem(
                            ProblemCategory.Schema,
                            token,
                            string.Create(CultureInfo.InvariantCulture, $"Expected at most {bound} elements; found a count of {elements}."));
                    }
                }
                else if (token.Tag == BerTag.Integer)
                {
                    Problem(ProblemCategory.Schema, token, "Expected the element count as a non-negative INTEGER of at most 8 octets.");
                }

                break;
            case WalkRole.ArrayElement:
                if (token.Tag == BerTag.Integer)
                {
                    CheckInteger(token, parent!.Field!.Kind switch
                    {
                        FieldKind.UInt16Array => FieldKind.UInt16,
                        FieldKind.UInt32Array => FieldKind.UInt32,
                        _ => FieldKind.UInt64,
                    });
                }

                break;
            case WalkRole.BlobSegment:
                AddBlobBytes(token, contents.Length);
                break;
            case WalkRole.Field when token.Field is not null:
                CheckValue(token, token.Field, contents);
                break;
        }

        if (parent?.Role == WalkRole.Section && parent.Children > 4 && token.Role == WalkRole.Extension && token.Tag == MigrationStreamFormat.ChecksumTag)
        {
            Problem(ProblemCategory.Integrity, token, $"Expected at most one checksum closing the section; found another {token.Tag}.");
        }
    }

    private void AddBlobBytes(WalkToken token, long length)
    {
        // A blob's segments may nest; the bound belongs to the outermost frame that is the field.
        for (int i = _frames.Count - 1; i >= 0; i--)
        {
            Frame frame = _frames[i];
            if (frame.Role == WalkRole.Field && frame.Field?.Kind == FieldKind.Blob)
            {
                frame.Total += length;
                int bound = frame.Field.Size;
                if (bound > 0 && frame.Total > bound && frame.Total - length <= bound)
                {
                    Problem(
                        ProblemCategory.Schema,
                        token,
                        string.Create(CultureInfo.InvariantCulture, $"Expected a blob of at most {bound} bytes; found more."));
                }

                return;
            }
        }
    }

    private void CheckValue(WalkToken token, FieldSchema field, ReadOnlySpan<byte> contents)
    {
        if (field.Kind.IsInteger())
        {
            CheckInteger(token, field.Kind);
        }
        else if (field.Kind == FieldKind.Bool)
        {
            if (contents.Length != 1)
            {
                Problem(ProblemCategory.Schema, token, string.Create(CultureInfo.InvariantCulture, $"Expected a bool of one octet; found {contents.Length}."));
            }
        }
        else if (field.Kind == FieldKind.FixedBytes)
        {
            if (contents.Length != field.Size)
            {
                Problem(
                    ProblemCategory.Schema,
                    token,
                    string.Create(CultureInfo.InvariantCulture, $"Expected exactly {field.Size} bytes; found {contents.Length}."));
            }
        }
        else if (field.Kind is FieldKind.Bytes or FieldKind.String)
        {
            if (field.Size > 0 && contents.Length > field.Size)
            {
                Problem(
                    ProblemCategory.Schema,
                    token,
                    string.Create(CultureInfo.InvariantCulture, $"Expected at most {field.Size} bytes; found {contents.Length}."));
            }

            if (field.Kind == FieldKind.String && !System.Text.Unicode.Utf8.IsValid(contents))
            {
                Problem(ProblemCategory.Schema, token, "Expected UTF-8 text; found bytes that are not valid UTF-8.");
            }
        }
    }

    private void CheckInteger(WalkToken token, FieldKind kind)
    {
        if (!ValueText.TryGetInteger(token.Contents, kind, out _, out string? why))
        {
            Problem(ProblemCategory.Schema, token, $"Expected {kind.SchemaName()}; found {why}.");
        }
    }

    private void CheckChecksum(Frame parent, WalkToken token, ReadOnlySpan<byte> contents)
    {
        uint? stored = contents.Length == 4 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(contents) : null;
        var check = new ChecksumCheck(token.Checksum!.Value.Computed, stored);
        token.Checksum = check;
        parent.HasChecksum = true;
        string what = parent.Role == WalkRole.Section ? "the section" : "the stream";
        if (!_integrity)
        {
            Problem(
                ProblemCategory.Integrity,
                token,
                $"Expected no checksum: the header does not announce \"{MigrationStreamFormat.IntegrityCapability}\"; found {token.Tag} closing {what}.");
        }
        else if (!check.Matches)
        {
            string found = stored is uint value
                ? value.ToString("X8", CultureInfo.InvariantCulture)
                : contents.Length.ToString(CultureInfo.InvariantCulture) + " bytes";
            Problem(
                ProblemCategory.Integrity,
                token,
                string.Create(CultureInfo.InvariantCulture, $"Expected the CRC-32C of {what}, {check.Computed:X8}; found {found}: the bytes were changed."));
        }
    }

    private void End(Frame done)
    {
        switch (done.Role)
        {
            case WalkRole.Stream:
                _ended = true;
                if (!done.Ended)
                {
                    throw new MigrationFormatException(MigrationErrorKind.Truncated, "Expected the trailer; found the end of the stream.", done.Offset);
                }

                break;
            case WalkRole.Header when done.Children < 3:
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    "Expected the format version, producer and capabilities; found the end of the header.",
                    done.Offset);
            case WalkRole.Schema when done.Children < 2:
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    "Expected a key and a document; found the end of the embedded schema.",
                    done.Offset);
            case WalkRole.Configuration:
                FinishConfiguration(done);
                break;
            case WalkRole.Section:
                if (done.Children < done.Section!.StateIndex + 1)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.UnexpectedValue,
                        "Expected the device id, instance id, version and state; found the end of the section.",
                        done.Offset);
                }

                _sections++;
                if (_integrity && !done.HasChecksum)
                {
                    Problem(
                        ProblemCategory.Integrity,
                        done,
                        $"Expected a checksum {MigrationStreamFormat.ChecksumTag} closing the section, as the header announces; found none.");
                }

                break;
            case WalkRole.Trailer:
                if (done.Children < 1)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.UnexpectedValue,
                        "Expected the section count; found the end of the trailer.",
                        done.Offset);
                }

                if (_integrity && !done.HasChecksum)
                {
                    Problem(
                        ProblemCategory.Integrity,
                        done,
                        $"Expected a checksum {MigrationStreamFormat.ChecksumTag} closing the trailer, as the header announces; found none.");
                }

                break;
            case WalkRole.Abandoned when done.Children < 1:
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    "Expected the section count; found the end of the abandoned mark.",
                    done.Offset);
        }

        if (done.Mode == Mode.Fields && done.Layout is not null)
        {
            CheckMissing(done);
        }
        else if (done.Mode == Mode.List && done.Declared >= 0 && done.Children - 1 != done.Declared)
        {
            Problem(
                ProblemCategory.Schema,
                done,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Expected {done.Declared} element(s), as the count says; found {Math.Max(0, done.Children - 1)}."));
        }
        else if (done.Mode == Mode.Array && done.Field!.Size > 0 && done.Children != done.Field.Size)
        {
            Problem(
                ProblemCategory.Schema,
                done,
                string.Create(CultureInfo.InvariantCulture, $"Expected {done.Field.Size} element(s); found {done.Children}."));
        }
    }

    /// <summary>Makes the section's configuration from the model and items read, refusing what a stream reader refuses.</summary>
    private void FinishConfiguration(Frame done)
    {
        // The configuration's frame is closed; the section's is the innermost one left.
        SectionInfo section = CurrentSection()!;
        if (done.Children < 2 || section.PendingModel is not { } model)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                "Expected the model and the parameters; found the end of the configuration.",
                done.Offset);
        }

        if (!ConfigurationRecord.TryCreate(model, section.PendingItems, out ConfigurationRecord? record, out string? problem))
        {
            throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, "The section's configuration is malformed: " + problem + ".", done.Offset);
        }

        section.Configuration = record;
        section.PendingItems.Clear();
    }

    private void CheckMissing(Frame done)
    {
        long version = CurrentSection()?.Version ?? done.Section?.Version ?? -1;
        for (int i = 0; i < done.Layout!.Count; i++)
        {
            FieldSchema field = done.Layout[i];
            if (done.Seen![i] || field.Skippable || field.Kind == FieldKind.Optional || version < 0 || version > int.MaxValue || !field.ExistsIn((int)version))
            {
                continue;
            }

            string where = done.Path.Length == 0 ? field.Name : done.Path + "." + field.Name;
            _problems.Add(new WalkProblem(
                ProblemCategory.Schema,
                done.Offset,
                Where(CurrentSection() ?? done.Section, where),
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Expected the must-parse field '{field.Name}' [{field.Tag}] of version {version}; found "
                    + $"the end of {(done.Path.Length == 0 ? "the state" : "'" + done.Path + "'")} without it.")));
        }
    }

    private void ReadSchemaDocument(Frame entry, WalkToken token)
    {
        string key = entry.Key ?? "?";
        byte[] document;
        long read = token.Offset + token.Contents.Length;
        string what = "the embedded schema '" + key + "'";
        try
        {
            document = token.Tag == MigrationStreamFormat.CompressedSchemaTag
                ? SchemaCompression.Decompress(token.Contents.ToArray(), _meter, read, what, token.Offset)
                : token.Contents.ToArray();
        }
        catch (MigrationFormatException ex) when (ex.Kind != MigrationErrorKind.LimitExceeded)
        {
            Problem(ProblemCategory.SchemaDocument, token, $"Expected the schema '{key}' as DEFLATE data; {ex.Detail}");
            return;
        }

        if (token.Tag != MigrationStreamFormat.CompressedSchemaTag)
        {
            _meter.Charge(document.Length, read, what, token.Offset);
        }

        _schemaDocuments[key] = document;
        try
        {
            DeviceSchema schema = SchemaDocument.Parse(document);
            string expected = DeviceCatalog.SchemaKey(schema.Id, schema.Version);
            // A layout's schema is keyed id/vN?values (docs/catalog.md §4): it describes id/vN.
            bool layout = key.StartsWith(expected + "?", StringComparison.Ordinal);
            if (!string.Equals(expected, key, StringComparison.Ordinal) && !layout)
            {
                string described = key.IndexOf('?', StringComparison.Ordinal) is int mark and >= 0 ? key[..mark] : key;
                Problem(
                    ProblemCategory.SchemaDocument,
                    token,
                    $"Expected the schema keyed '{key}' to describe '{described}'; found one for '{expected}'.");
                return;
            }

            _schemas[key] = schema;
        }
        catch (MigrationFormatException ex)
        {
            Problem(ProblemCategory.SchemaDocument, token, $"Expected the embedded schema '{key}' as a schema document; {ex.Message}");
        }
    }

    private DeviceSchema? FindSchema(SectionInfo section)
    {
        if (section.Id is null || section.Version is < 0 or > int.MaxValue)
        {
            return null;
        }

        // A device whose configuration changes its layout embeds that layout's schema under id/vN?values.
        if (SchemaEmbedding.FindKey(_schemas.Keys, section.Id, (int)section.Version, section.Configuration) is { } key)
        {
            return _schemas[key];
        }

        return _deviceSchemas?.Invoke(section.Id, (int)section.Version, section.Configuration);
    }

    private static string SchemaKeyOf(SectionInfo section) =>
        section.Id is null ? "its schema" : string.Create(CultureInfo.InvariantCulture, $"the schema {section.Id}/v{section.Version}");

    private static int FindIndex(IList<FieldSchema>? layout, ulong tag)
    {
        if (layout is null || tag > int.MaxValue)
        {
            return -1;
        }

        for (int i = 0; i < layout.Count; i++)
        {
            if (layout[i].Tag == (int)tag)
            {
                return i;
            }
        }

        return -1;
    }

    private static void Expect(WalkToken token, BerTag expected, string what)
    {
        if (token.Tag != expected)
        {
            throw Unexpected(token, $"{what} {expected}");
        }
    }

    private static MigrationFormatException Unexpected(WalkToken token, string expected) =>
        new(MigrationErrorKind.UnexpectedValue, $"Expected {expected}; found {token.Tag}.", token.Offset);

    private static long RequireInteger(WalkToken token, string what, long min, long max)
    {
        BerDecodeStatus status = BerDecoder.TryDecodeInt64(token.Contents, out long value);
        if (status != BerDecodeStatus.Done || value < min || value > max)
        {
            string found = status == BerDecodeStatus.Done
                ? value.ToString(CultureInfo.InvariantCulture)
                : ValueText.Describe(status, token.Contents, unsigned: false);
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                string.Create(CultureInfo.InvariantCulture, $"Expected {what} between {min} and {max}; found {found}."),
                token.Offset);
        }

        return value;
    }

    private static string RequireText(WalkToken token, string what)
    {
        if (!System.Text.Unicode.Utf8.IsValid(token.Contents))
        {
            throw new MigrationFormatException(
                MigrationErrorKind.InvalidEncoding,
                $"Expected {what} as UTF-8 text; found bytes that are not valid UTF-8.",
                token.Offset);
        }

        return System.Text.Encoding.UTF8.GetString(token.Contents);
    }

    private void Problem(ProblemCategory category, WalkToken token, string message)
    {
        SectionInfo? section = token.Section ?? CurrentSection();
        string? name = token.Name;
        if (section is null && _frames.Count > 0 && _frames[^1].Role is WalkRole.Trailer or WalkRole.Header or WalkRole.Schemas or WalkRole.Schema)
        {
            // A framing value is named with the element it belongs to: "trailer crc32c".
            name = _frames[^1].Name + (name is null ? string.Empty : " " + name);
        }

        _problems.Add(new WalkProblem(category, token.Offset, Where(section, token.Path, name, token.Role), message));
    }

    private void Problem(ProblemCategory category, Frame frame, string message) =>
        _problems.Add(new WalkProblem(category, frame.Offset, Where(frame.Section ?? CurrentSection(), frame.Path, frame.Name, frame.Role), message));

    private static string Where(SectionInfo? section, string path, string? name = null, WalkRole role = WalkRole.Field)
    {
        if (section is null)
        {
            return name ?? role.ToString().ToLowerInvariant();
        }

        string label = "section " + section.Label;
        if (path.Length > 0)
        {
            return label + " field " + path;
        }

        return role is WalkRole.Section or WalkRole.State ? label : label + " " + (name ?? role.ToString().ToLowerInvariant());
    }

    /// <summary>One open constructed value.</summary>
    private sealed class Frame
    {
        public Mode Mode { get; init; }

        public IList<FieldSchema>? Layout { get; init; }

        public WalkRole Role { get; init; }

        public FieldSchema? Field { get; init; }

        public string? Flag { get; init; }

        public string? Name { get; init; }

        public string Path { get; init; } = string.Empty;

        public long Offset { get; init; }

        public BerTag Tag { get; init; }

        public long Length { get; init; }

        public int Index { get; init; }

        public SectionInfo? Section { get; init; }

        public int Children { get; set; }

        public bool[]? Seen { get; set; }

        public int LastIndex { get; set; } = -1;

        public long Declared { get; set; } = -1;

        public long Total { get; set; }

        public bool HasChecksum { get; set; }

        public bool Ended { get; set; }

        public string? Key { get; set; }
    }
}
