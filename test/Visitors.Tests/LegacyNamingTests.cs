using System.Buffers;

namespace MigrationFormat.Visitors.Tests;

/// <summary>Legacy subsection names and error paths through nesting deeper than the visitors keep inline.</summary>
public class LegacyNamingTests
{
    private const int Levels = 11;

    private static readonly DeviceType NestedType = new("nested", "urn:migfmt:test:nested", 1, 1, _ => new NestedDevice(), "Structures nested eleven deep");

    /// <summary>Eleven nested structures; the innermost holds a byte and an optional group (a legacy subsection) with another.</summary>
    private sealed class NestedDevice : IDeviceState
    {
        private static readonly StructSpec[] LevelSpecs = [.. Enumerable.Range(0, Levels).Select(i => new FieldSet("test").Struct("level" + i, i))];
        private static readonly FieldSpec<byte> ValueSpec = new FieldSet("test").UInt8("value", 0);
        private static readonly OptionalSpec ExtraSpec = new FieldSet("test").Optional("extra", 1);
        private static readonly FieldSpec<byte> ExtraValueSpec = new FieldSet("test").UInt8("extra_value", 0);

        public byte Value;
        public byte ExtraValue;
        public bool HasExtra = true;

        public DeviceType Type => NestedType;

        public int Version => 1;

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            for (int i = 0; i < Levels; i++)
            {
                visitor.BeginStruct(LevelSpecs[i]);
            }

            visitor.Field(ValueSpec, ref Value);
            if (visitor.BeginOptional(ExtraSpec, HasExtra).IsPresent)
            {
                visitor.Field(ExtraValueSpec, ref ExtraValue);
                visitor.EndOptional();
            }

            for (int i = 0; i < Levels; i++)
            {
                visitor.EndStruct();
            }
        }
    }

    [Fact]
    public void SaveAndLoad_SubsectionElevenStructuresDeep_RoundTrips()
    {
        byte[] payload = LegacyDeviceSerializer.Save(new NestedDevice { Value = 7, ExtraValue = 9 }, "dev");
        var loaded = new NestedDevice { HasExtra = false };

        LegacyDeviceSerializer.Load(loaded, payload, 1, "dev");

        Assert.Equal((7, 9), (loaded.Value, loaded.ExtraValue));
        Assert.True(payload.AsSpan().IndexOf("level10/extra"u8) >= 0);
    }

    [Fact]
    public void Load_TruncatedElevenStructuresDeep_ReportsTheWholeFieldPath()
    {
        byte[] payload = LegacyDeviceSerializer.Save(new NestedDevice { Value = 7, ExtraValue = 9 }, "dev");

        var ex = Assert.Throws<MigrationFormatException>(
            () => LegacyDeviceSerializer.Load(new NestedDevice(), payload.AsSpan(0, payload.Length - 1), 1, "dev"));

        string expected = string.Join(".", Enumerable.Range(0, Levels).Select(i => "level" + i)) + ".level10/extra.extra_value";
        Assert.Equal(expected, ex.FieldPath);
    }

    [Fact]
    public void Save_SameFieldsUnderAlternatingDeviceNames_NamesEachSubsectionAfterItsOwnParent()
    {
        var device = new FlatDevice();
        for (int round = 0; round < 3; round++)
        {
            foreach (string name in new[] { "first", "second" })
            {
                byte[] payload = LegacyDeviceSerializer.Save(device, name);

                Assert.True(payload.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(name + "/extra")) >= 0, name);
                LegacyDeviceSerializer.Load(new FlatDevice(), payload, 1, name);
                Assert.Throws<MigrationFormatException>(() => LegacyDeviceSerializer.Load(new FlatDevice(), payload, 1, name == "first" ? "second" : "first"));
            }
        }
    }

    /// <summary>A byte and an optional group at the top level: the subsection's parent is the device name.</summary>
    private sealed class FlatDevice : IDeviceState
    {
        private static readonly FieldSpec<byte> ValueSpec = new FieldSet("test").UInt8("value", 0);
        private static readonly OptionalSpec ExtraSpec = new FieldSet("test").Optional("extra", 1);
        private static readonly FieldSpec<byte> ExtraValueSpec = new FieldSet("test").UInt8("extra_value", 0);

        public byte Value = 1;
        public byte ExtraValue = 2;

        public DeviceType Type => NestedType;

        public int Version => 1;

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            visitor.Field(ValueSpec, ref Value);
            if (visitor.BeginOptional(ExtraSpec, needed: true).IsPresent)
            {
                visitor.Field(ExtraValueSpec, ref ExtraValue);
                visitor.EndOptional();
            }
        }
    }
}

/// <summary>The legacy writer into an output that hands out spans no longer than it must.</summary>
public class LegacyOutputSpanTests
{
    private static readonly DeviceType TextType = new("text", "urn:migfmt:test:text", 1, 1, _ => new TextDevice(), "A buffer then a string");

    /// <summary>250 bytes, then a string that no longer fits the output's first span.</summary>
    private sealed class TextDevice : IDeviceState
    {
        private static readonly ArrayFieldSpec<byte> PadSpec = new FieldSet("test").FixedBytes("pad", 0, 250);
        private static readonly FieldSpec<string> TextSpec = new FieldSet("test").String("text", 1);

        public byte[] Pad = [.. Enumerable.Range(0, 250).Select(i => (byte)i)];
        public string Text = "a string past the end of the first span";

        public DeviceType Type => TextType;

        public int Version => 1;

        public void Visit<TVisitor>(ref TVisitor visitor)
            where TVisitor : IStateVisitor, allows ref struct
        {
            visitor.Field(PadSpec, Pad.AsSpan());
            visitor.Field(TextSpec, ref Text);
        }
    }

    /// <summary>Gives spans exactly as long as each request, so that a value that does not fit starts a new one.</summary>
    private sealed class ExactSpanWriter : IBufferWriter<byte>
    {
        private readonly List<byte> _written = [];
        private byte[] _current = [];

        public byte[] Written => [.. _written];

        public void Advance(int count)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _current.Length);
            _written.AddRange(_current.AsSpan(0, count).ToArray());
            _current = [];
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, 1)];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    [Fact]
    public void Save_StringThatStartsANewOutputSpan_WritesTheSameBytesAsIntoOneBuffer()
    {
        var exact = new ExactSpanWriter();

        LegacyDeviceSerializer.Save(new TextDevice(), exact, "text");

        Assert.Equal(LegacyDeviceSerializer.Save(new TextDevice(), "text"), exact.Written);
    }
}
