using System;
using System.Collections.Generic;
using MigrationFormat.Ber;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.Walking;

/// <summary>What a value is in a BER migration stream (or <see cref="Value"/> in other BER).</summary>
internal enum WalkRole
{
    /// <summary>A value outside a migration stream's framing: generic BER, or the inside of something unknown.</summary>
    Value,
    Stream,
    Header,
    FormatVersion,
    Producer,
    Capabilities,
    Capability,
    Schemas,
    Schema,
    SchemaKey,
    SchemaDocument,
    Sections,
    Section,
    DeviceId,
    InstanceId,
    SectionVersion,

    /// <summary>A section's configuration (<c>[APPLICATION 8]</c>): the device's model and effective configuration.</summary>
    Configuration,
    ConfigurationModel,
    ConfigurationParameters,

    /// <summary>One <c>name=value</c> item of a configuration, must-parse (<c>[0]</c>) or skippable (<c>[PRIVATE 0]</c>).</summary>
    ConfigurationItem,
    State,
    Field,
    ListCount,
    ListElement,
    ArrayElement,
    BlobSegment,
    Checksum,
    Trailer,
    SectionCount,
    Abandoned,
    AbandonedCount,

    /// <summary>A value a later format version may add (after the header's, a section's or the trailer's members).</summary>
    Extension,
}

/// <summary>The kind of token: the start of a constructed value, a primitive value, or the end of a constructed value.</summary>
internal enum WalkTokenKind
{
    Start,
    Primitive,
    End,
}

/// <summary>A checksum element and what the bytes before it sum to.</summary>
/// <param name="Computed">The CRC-32C of the bytes it covers.</param>
/// <param name="Stored">The value the stream carries, or <see langword="null"/> when it is not four octets.</param>
internal readonly record struct ChecksumCheck(uint Computed, uint? Stored)
{
    public bool Matches => Stored == Computed;
}

/// <summary>A section's header: id, instance, version and the schema that names its fields, if any.</summary>
internal sealed class SectionInfo
{
    public string? Id { get; set; }

    public long Instance { get; set; } = -1;

    public long Version { get; set; } = -1;

    public long Offset { get; init; }

    public DeviceSchema? Schema { get; set; }

    /// <summary>Gets or sets the configuration the section carries, once read whole; <see langword="null"/> when it carries none.</summary>
    public ConfigurationRecord? Configuration { get; set; }

    /// <summary>Gets or sets a value indicating whether the section carries a configuration, known from its start.</summary>
    public bool HasConfiguration { get; set; }

    /// <summary>Gets the index of the state among the section's values: after the configuration when there is one.</summary>
    public int StateIndex => HasConfiguration ? 4 : 3;

    /// <summary>Gets or sets the configuration's model, as read so far.</summary>
    public string? PendingModel { get; set; }

    /// <summary>Gets the configuration's items, as read so far.</summary>
    public List<ConfigurationItem> PendingItems { get; } = [];

    /// <summary>Gets the section's name as the tool prints it: <c>serial#0 v3</c>.</summary>
    public string Label => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Id ?? "?"}#{Instance} v{Version}");

    /// <summary>Gets the key of the section among others: <c>serial#0</c> (device id and instance).</summary>
    public string Key => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Id ?? "?"}#{Instance}");
}

/// <summary>Why a stream fails a check that does not stop the walk.</summary>
internal enum ProblemCategory
{
    /// <summary>A checksum is wrong, missing, or present where none was announced.</summary>
    Integrity,

    /// <summary>The framing is incomplete: an abandoned stream, a wrong section count.</summary>
    Framing,

    /// <summary>A section's values disagree with its schema.</summary>
    Schema,

    /// <summary>An embedded schema document is not valid (not DEFLATE, not a schema document, or keyed wrongly).</summary>
    SchemaDocument,
}

/// <summary>One problem found while walking; the walk goes on.</summary>
/// <param name="Category">Its category.</param>
/// <param name="Offset">The byte offset of the value at fault.</param>
/// <param name="Where">The section and field path, or the framing element.</param>
/// <param name="Message">What was expected and what was found.</param>
internal sealed record WalkProblem(ProblemCategory Category, long Offset, string Where, string Message)
{
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Where}: {Message} (at byte offset {Offset})");
}

/// <summary>One token of a walk, with everything the walker knows about it.</summary>
internal sealed class WalkToken
{
    private byte[] _data = [];

    public WalkTokenKind Kind { get; set; }

    public long Offset { get; set; }

    /// <summary>Gets or sets the offset just after the value; set on <see cref="WalkTokenKind.End"/> and primitives.</summary>
    public long EndOffset { get; set; }

    public BerTag Tag { get; set; }

    /// <summary>Gets or sets the declared length, -1 for indefinite.</summary>
    public long Length { get; set; }

    /// <summary>Gets or sets the number of constructed values around the token.</summary>
    public int Depth { get; set; }

    public WalkRole Role { get; set; }

    public string? Name { get; set; }

    /// <summary>Gets or sets <c>must-parse</c> or <c>skippable</c> for a field's tag, else <see langword="null"/>.</summary>
    public string? Flag { get; set; }

    /// <summary>Gets or sets the field's schema when the section's schema knows it and the value has the form it says.</summary>
    public FieldSchema? Field { get; set; }

    /// <summary>Gets or sets the field path inside its section (<c>fifo_timeout.deadline_ns</c>, <c>queues[1].avail</c>).</summary>
    public string Path { get; set; } = string.Empty;

    public SectionInfo? Section { get; set; }

    public ChecksumCheck? Checksum { get; set; }

    /// <summary>Gets or sets the index of this value among its siblings.</summary>
    public int Index { get; set; }

    public int ContentLength { get; private set; }

    /// <summary>Gets a primitive's contents.</summary>
    public ReadOnlySpan<byte> Contents => _data.AsSpan(0, ContentLength);

    public void SetContents(ReadOnlySpan<byte> contents, bool ownCopy)
    {
        if (ownCopy)
        {
            _data = contents.ToArray();
        }
        else
        {
            if (_data.Length < contents.Length)
            {
                _data = new byte[Math.Max(contents.Length, Math.Min(2 * _data.Length, 1 << 24))];
            }

            contents.CopyTo(_data);
        }

        ContentLength = contents.Length;
    }

    public void Reset()
    {
        Kind = default;
        Offset = 0;
        EndOffset = 0;
        Tag = default;
        Length = 0;
        Depth = 0;
        Role = WalkRole.Value;
        Name = null;
        Flag = null;
        Field = null;
        Path = string.Empty;
        Section = null;
        Checksum = null;
        Index = 0;
        ContentLength = 0;
    }
}
