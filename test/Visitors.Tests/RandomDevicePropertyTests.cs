using System.Globalization;
using FsCheck.Xunit;

namespace MigrationFormat.Visitors.Tests;

/// <summary>One field of a random schema, in every version: when it appeared, whether and when it was removed or widened.</summary>
internal sealed class FieldModel
{
    public FieldModel(FieldSet owner, string name, int tag, FieldKind kind, FieldKind wideKind, int widenedIn, bool skippable, int since, int removedIn)
    {
        Kind = kind;
        WideKind = wideKind;
        WidenedIn = widenedIn;
        Skippable = skippable;
        Since = since;
        RemovedIn = removedIn;
        Narrow = Make(owner, name, tag, kind, skippable, since, widenedIn != 0 ? widenedIn : removedIn);
        Wide = widenedIn != 0 ? Make(owner, name, tag, wideKind, skippable, widenedIn, 0) : null;
    }

    public FieldKind Kind { get; }

    public FieldKind WideKind { get; }

    public int WidenedIn { get; }

    public bool Skippable { get; }

    public int Since { get; }

    public int RemovedIn { get; }

    public FieldSpec Narrow { get; }

    public FieldSpec? Wide { get; }

    public bool Exists(int version) => Since <= version && (RemovedIn == 0 || version < RemovedIn);

    public FieldKind KindAt(int version) => WidenedIn != 0 && version >= WidenedIn ? WideKind : Kind;

    public FieldSpec SpecAt(int version) => Wide is not null && version >= WidenedIn ? Wide : Narrow;

    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{Narrow.Name}:{Kind}{(WidenedIn != 0 ? "->" + WideKind + "@" + WidenedIn : string.Empty)} since {Since} removed {RemovedIn} "
            + $"{(Skippable ? "skippable" : "must-parse")}");

    private static FieldSpec Make(FieldSet owner, string name, int tag, FieldKind kind, bool skippable, int since, int removedIn) => kind switch
    {
        FieldKind.UInt8 => owner.UInt8(name, tag, skippable, since, removedIn),
        FieldKind.UInt16 => owner.UInt16(name, tag, skippable, since, removedIn),
        FieldKind.UInt32 => owner.UInt32(name, tag, skippable, since, removedIn),
        FieldKind.UInt64 => owner.UInt64(name, tag, skippable, since, removedIn),
        FieldKind.Int8 => owner.Int8(name, tag, skippable, since, removedIn),
        FieldKind.Int16 => owner.Int16(name, tag, skippable, since, removedIn),
        FieldKind.Int32 => owner.Int32(name, tag, skippable, since, removedIn),
        FieldKind.Int64 => owner.Int64(name, tag, skippable, since, removedIn),
        FieldKind.Bool => owner.Bool(name, tag, skippable, since, removedIn),
        _ => owner.String(name, tag, skippable: skippable, since: since, removedIn: removedIn),
    };
}

/// <summary>A random device schema: top-level fields and at most one optional group of fields.</summary>
internal sealed class RandomSchema
{
    private static readonly FieldKind[] ScalarKinds =
        [
            FieldKind.UInt8,
            FieldKind.UInt16,
            FieldKind.UInt32,
            FieldKind.UInt64,
            FieldKind.Int8,
            FieldKind.Int16,
            FieldKind.Int32,
            FieldKind.Int64,
            FieldKind.Bool,
            FieldKind.String];

    private RandomSchema(FieldModel[] fields, OptionalSpec? group, bool groupSkippable, FieldModel[] groupFields)
    {
        Fields = fields;
        Group = group;
        GroupSkippable = groupSkippable;
        GroupFields = groupFields;
        Type = new DeviceType("random", "urn:migfmt:test:random", 3, 1, version => new RandomDevice(this, version));
    }

    public DeviceType Type { get; }

    public FieldModel[] Fields { get; }

    public OptionalSpec? Group { get; }

    public bool GroupSkippable { get; }

    public FieldModel[] GroupFields { get; }

    public static RandomSchema Generate(Random random)
    {
        int count = random.Next(1, 9);
        var root = new FieldSet("random");
        var fields = new FieldModel[count];
        for (int k = 0; k < count; k++)
        {
            FieldKind kind = ScalarKinds[random.Next(ScalarKinds.Length)];
            bool skippable = random.Next(3) == 0;
            string name = "f" + k.ToString(CultureInfo.InvariantCulture);
            bool widenable = kind.IsInteger() && kind.BitWidth() < 64;
            switch (random.Next(6))
            {
                case 0: // added in a later version, skippable
                    fields[k] = new FieldModel(root, name, k, kind, kind, 0, true, random.Next(2, 4), 0);
                    break;
                case 1: // added in a later version, must-parse
                    fields[k] = new FieldModel(root, name, k, kind, kind, 0, false, random.Next(2, 4), 0);
                    break;
                case 2: // removed in a later version
                    fields[k] = new FieldModel(root, name, k, kind, kind, 0, skippable, 1, random.Next(2, 4));
                    break;
                case 3 when widenable: // widened in a later version
                    fields[k] = new FieldModel(root, name, k, kind, Wider(kind), random.Next(2, 4), skippable, 1, 0);
                    break;
                default:
                    fields[k] = new FieldModel(root, name, k, kind, kind, 0, skippable, 1, 0);
                    break;
            }
        }

        if (random.Next(2) == 0)
        {
            return new RandomSchema(fields, null, false, []);
        }

        int since = random.Next(1, 4);
        bool groupSkippable = random.Next(2) == 0;
        OptionalSpec group = root.Optional("g", count, groupSkippable, since);
        var inner = new FieldModel[random.Next(1, 4)];
        for (int k = 0; k < inner.Length; k++)
        {
            inner[k] = new FieldModel(
                group.Members,
                "g" + k.ToString(CultureInfo.InvariantCulture),
                k,
                ScalarKinds[random.Next(ScalarKinds.Length)],
                FieldKind.Bool,
                0,
                random.Next(2) == 0,
                since,
                0);
        }

        return new RandomSchema(fields, group, groupSkippable, inner);
    }

    public override string ToString() =>
        string.Join("; ", Fields.Select(f => f.ToString()))
        + (Group is null ? string.Empty : $" | {Group} since {Group.Since}: " + string.Join("; ", GroupFields.Select(f => f.ToString())));

    private static FieldKind Wider(FieldKind kind) => kind switch
    {
        FieldKind.UInt8 => FieldKind.UInt16,
        FieldKind.UInt16 => FieldKind.UInt32,
        FieldKind.UInt32 => FieldKind.UInt64,
        FieldKind.Int8 => FieldKind.Int16,
        FieldKind.Int16 => FieldKind.Int32,
        _ => FieldKind.Int64,
    };
}

/// <summary>A test device whose Visit is driven by a <see cref="RandomSchema"/>; values are stored as 64-bit patterns and strings.</summary>
internal sealed class RandomDevice(RandomSchema schema, int version) : IDeviceState
{
    public DeviceType Type => schema.Type;

    public int Version { get; } = version;

    public long[] Values { get; } = new long[schema.Fields.Length];

    public string[] Strings { get; } = [.. schema.Fields.Select(_ => string.Empty)];

    private bool _groupPresent;

    public bool GroupPresent { get => _groupPresent; set => _groupPresent = value; }

    public long[] GroupValues { get; } = new long[schema.GroupFields.Length];

    public string[] GroupStrings { get; } = [.. schema.GroupFields.Select(_ => string.Empty)];

    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        for (int k = 0; k < schema.Fields.Length; k++)
        {
            VisitField(ref visitor, schema.Fields[k].SpecAt(Version), ref Values[k], ref Strings[k]);
        }

        if (schema.Group is null)
        {
            return;
        }

        if (visitor.BeginOptional(schema.Group, _groupPresent).Track(ref _groupPresent))
        {
            for (int k = 0; k < schema.GroupFields.Length; k++)
            {
                VisitField(ref visitor, schema.GroupFields[k].Narrow, ref GroupValues[k], ref GroupStrings[k]);
            }

            visitor.EndOptional();
        }
    }

    private static void VisitField<TVisitor>(ref TVisitor visitor, FieldSpec spec, ref long value, ref string text)
        where TVisitor : IStateVisitor, allows ref struct
    {
        switch (spec.Kind)
        {
            case FieldKind.UInt8: { byte v = (byte)value; visitor.Field((FieldSpec<byte>)spec, ref v); value = v; break; }
            case FieldKind.UInt16: { ushort v = (ushort)value; visitor.Field((FieldSpec<ushort>)spec, ref v); value = v; break; }
            case FieldKind.UInt32: { uint v = (uint)value; visitor.Field((FieldSpec<uint>)spec, ref v); value = v; break; }
            case FieldKind.UInt64: { ulong v = unchecked((ulong)value); visitor.Field((FieldSpec<ulong>)spec, ref v); value = unchecked((long)v); break; }
            case FieldKind.Int8: { sbyte v = (sbyte)value; visitor.Field((FieldSpec<sbyte>)spec, ref v); value = v; break; }
            case FieldKind.Int16: { short v = (short)value; visitor.Field((FieldSpec<short>)spec, ref v); value = v; break; }
            case FieldKind.Int32: { int v = (int)value; visitor.Field((FieldSpec<int>)spec, ref v); value = v; break; }
            case FieldKind.Int64: { long v = value; visitor.Field((FieldSpec<long>)spec, ref v); value = v; break; }
            case FieldKind.Bool: { bool v = value != 0; visitor.Field((FieldSpec<bool>)spec, ref v); value = v ? 1 : 0; break; }
            default: visitor.Field((FieldSpec<string>)spec, ref text); break;
        }
    }
}

/// <summary>Random schemas, random evolutions and random values obey DESIGN.md's cross-version rules.</summary>
public class RandomDevicePropertyTests
{
    /// <summary>Fills a device with random values that fit the kinds of its version.</summary>
    internal static RandomDevice Busy(RandomSchema schema, int version, Random random)
    {
        var device = new RandomDevice(schema, version);
        for (int k = 0; k < schema.Fields.Length; k++)
        {
            device.Values[k] = RandomValue(schema.Fields[k].KindAt(version), random);
            device.Strings[k] = "s" + random.Next(1000).ToString(CultureInfo.InvariantCulture);
        }

        device.GroupPresent = schema.Group is not null && schema.Group.ExistsIn(version) && random.Next(3) != 0;
        for (int k = 0; k < schema.GroupFields.Length; k++)
        {
            device.GroupValues[k] = RandomValue(schema.GroupFields[k].Kind, random);
            device.GroupStrings[k] = "g" + random.Next(1000).ToString(CultureInfo.InvariantCulture);
        }

        return device;
    }

    private static long RandomValue(FieldKind kind, Random random)
    {
        // Half the values are small, so that narrowing often fits; half use the kind's whole range.
        long raw = random.Next(2) == 0 ? random.Next(0, 200) : random.NextInt64(long.MinValue, long.MaxValue);
        return kind switch
        {
            FieldKind.UInt8 => (byte)raw,
            FieldKind.UInt16 => (ushort)raw,
            FieldKind.UInt32 => (uint)raw,
            FieldKind.Int8 => (sbyte)raw,
            FieldKind.Int16 => (short)raw,
            FieldKind.Int32 => (int)raw,
            FieldKind.Bool => raw & 1,
            _ => raw,
        };
    }

    private static bool Fits(long value, FieldKind from, FieldKind to)
    {
        if (from == FieldKind.UInt64)
        {
            // A uint64 above long.MaxValue is stored as a negative pattern.
            return to == FieldKind.UInt64 || value >= 0 && Fits(value, FieldKind.Int64, to);
        }

        return to switch
        {
            FieldKind.UInt8 => value is >= byte.MinValue and <= byte.MaxValue,
            FieldKind.UInt16 => value is >= ushort.MinValue and <= ushort.MaxValue,
            FieldKind.UInt32 => value is >= uint.MinValue and <= uint.MaxValue,
            FieldKind.UInt64 => value >= 0,
            FieldKind.Int8 => value is >= sbyte.MinValue and <= sbyte.MaxValue,
            FieldKind.Int16 => value is >= short.MinValue and <= short.MaxValue,
            FieldKind.Int32 => value is >= int.MinValue and <= int.MaxValue,
            _ => true,
        };
    }

    private sealed record Expectation(MigrationErrorKind? Failure, string? FailurePath, int Skipped);

    /// <summary>The outcome the rules give, computed from the schema alone.</summary>
    private static Expectation Predict(RandomSchema schema, RandomDevice source, int i, int j)
    {
        int skipped = 0;
        for (int k = 0; k < schema.Fields.Length; k++)
        {
            FieldModel f = schema.Fields[k];
            if (!f.Exists(i))
            {
                continue;
            }

            if (f.Exists(j))
            {
                if (!Fits(source.Values[k], f.KindAt(i), f.KindAt(j)))
                {
                    return new Expectation(MigrationErrorKind.IntegerOutOfRange, f.SpecAt(j).ToString(), 0);
                }
            }
            else if (f.Skippable)
            {
                skipped++;
            }
            else
            {
                return new Expectation(MigrationErrorKind.UnknownRequiredField, $"random.[{f.Narrow.Tag}]", 0);
            }
        }

        if (schema.Group is { } group && group.ExistsIn(i) && source.GroupPresent && !group.ExistsIn(j))
        {
            if (!schema.GroupSkippable)
            {
                return new Expectation(MigrationErrorKind.UnknownRequiredField, $"random.[{group.Tag}]", 0);
            }

            skipped++;
        }

        return new Expectation(null, null, skipped);
    }

    [Property(MaxTest = 400)]
    public void Load_RandomSchemaEvolutionAndValues_FollowsCrossVersionRules(int seed)
    {
        var random = new Random(seed);
        RandomSchema schema = RandomSchema.Generate(random);
        int i = random.Next(1, 4), j = random.Next(1, 4);
        RandomDevice source = Busy(schema, i, random);
        RandomDevice destination = Busy(schema, j, random);
        var before = new RandomDevice(schema, j);
        Array.Copy(destination.Values, before.Values, before.Values.Length);
        Array.Copy(destination.Strings, before.Strings, before.Strings.Length);
        Array.Copy(destination.GroupValues, before.GroupValues, before.GroupValues.Length);
        Array.Copy(destination.GroupStrings, before.GroupStrings, before.GroupStrings.Length);
        before.GroupPresent = destination.GroupPresent;
        Expectation expected = Predict(schema, source, i, j);
        byte[] stream = StateDump.Save(source);

        LoadReport? report = null;
        Exception? error = Record.Exception(() => report = StateDump.Load(stream, destination));

        string context = $"seed {seed}, v{i} -> v{j}: {schema}";
        if (expected.Failure is { } kind)
        {
            var ex = Assert.IsType<MigrationFormatException>(error);
            Assert.True(kind == ex.Kind, $"{context}: expected {kind}, got {ex.Kind} ({ex.Message})");
            Assert.Equal("random", ex.Device);
            Assert.Equal(expected.FailurePath, ex.FieldPath);
            Assert.Equal(i, ex.SourceVersion);
            Assert.Equal(j, ex.DestinationVersion);
            Assert.Equal(StateDump.Of(before), StateDump.Of(destination));
            return;
        }

        Assert.True(error is null, $"{context}: unexpected {error}");
        RandomDevice expectedState = ExpectedState(schema, source, before, i, j);
        Assert.Equal(StateDump.Of(expectedState), StateDump.Of(destination));
        Assert.Equal(expected.Skipped, report!.SkippedFields.Count);
    }

    /// <summary>The destination after a successful load: fields both versions know take the saved values, the rest keep theirs.</summary>
    private static RandomDevice ExpectedState(RandomSchema schema, RandomDevice source, RandomDevice before, int i, int j)
    {
        var expected = new RandomDevice(schema, j);
        for (int k = 0; k < schema.Fields.Length; k++)
        {
            bool both = schema.Fields[k].Exists(i) && schema.Fields[k].Exists(j);
            expected.Values[k] = both ? source.Values[k] : before.Values[k];
            expected.Strings[k] = both ? source.Strings[k] : before.Strings[k];
        }

        if (schema.Group is { } group && group.ExistsIn(j))
        {
            bool sent = group.ExistsIn(i) && source.GroupPresent;
            expected.GroupPresent = sent;
            for (int k = 0; k < schema.GroupFields.Length; k++)
            {
                expected.GroupValues[k] = sent ? source.GroupValues[k] : before.GroupValues[k];
                expected.GroupStrings[k] = sent ? source.GroupStrings[k] : before.GroupStrings[k];
            }
        }

        return expected;
    }

    [Fact]
    public void Predict_GeneratedCases_CoverEveryOutcome()
    {
        // Guards the property against vacuity: the generator reaches every outcome the rules distinguish.
        var outcomes = new List<Expectation>();
        var evolutions = new HashSet<string>(StringComparer.Ordinal);
        for (int seed = 0; seed < 400; seed++)
        {
            var random = new Random(seed);
            RandomSchema schema = RandomSchema.Generate(random);
            int i = random.Next(1, 4), j = random.Next(1, 4);
            outcomes.Add(Predict(schema, Busy(schema, i, random), i, j));
            foreach (FieldModel f in schema.Fields)
            {
                evolutions.Add(
                    f.WidenedIn != 0 ? "widened"
                    : f.RemovedIn != 0 ? "removed"
                    : f.Since > 1 ? (f.Skippable ? "added-skippable" : "added-must-parse")
                    : "plain");
            }

            if (schema.Group is not null)
            {
                evolutions.Add("group");
            }
        }

        Assert.Contains(outcomes, o => o.Failure == MigrationErrorKind.UnknownRequiredField);
        Assert.Contains(outcomes, o => o.Failure == MigrationErrorKind.IntegerOutOfRange);
        Assert.Contains(outcomes, o => o.Failure is null && o.Skipped > 0);
        Assert.Contains(outcomes, o => o.Failure is null && o.Skipped == 0);
        Assert.Equal(6, evolutions.Count);
    }
}
