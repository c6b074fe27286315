using System.Globalization;

namespace MigrationFormat.Configuration.Tests;

/// <summary>A parameter of a <see cref="RandomModel"/>.</summary>
internal sealed record RandomParameter(string Name, ParameterType Type, bool ChangesLayout, bool Overridable, string[] Values, long Minimum, long Maximum,
    string Default)
{
    public DeviceParameter Build() => Type switch
    {
        ParameterType.Bool => DeviceParameter.Bool(Name, Default == "on", changesLayout: ChangesLayout, overridable: Overridable),
        ParameterType.Enum => DeviceParameter.Enum(Name, Values, Default, changesLayout: ChangesLayout, overridable: Overridable),
        ParameterType.String => DeviceParameter.String(Name, Default, maxLength: 8, overridable: Overridable),
        _ when Values.Length > 0 => DeviceParameter.Integer(
            Name, [.. Values.Select(v => long.Parse(v, CultureInfo.InvariantCulture))], long.Parse(Default,
                CultureInfo.InvariantCulture), changesLayout: ChangesLayout, overridable: Overridable),
        _ => DeviceParameter.Integer(Name, Minimum, Maximum, long.Parse(Default, CultureInfo.InvariantCulture), overridable: Overridable),
    };

    /// <summary>Gets the values a configuration may give, as texts.</summary>
    public string[] Domain => Type switch
    {
        ParameterType.Bool => ["off", "on"],
        ParameterType.String => ["", "a", "bb", "a,b"],
        ParameterType.Integer when Values.Length == 0 =>
            [.. new[] { Minimum, Maximum, (Minimum + Maximum) / 2 }.Distinct().Select(v => v.ToString(CultureInfo.InvariantCulture))],
        _ => Values,
    };

    public override string ToString() =>
        $"{Name}:{Type}{(ChangesLayout ? "/layout" : string.Empty)}{(Overridable ? "/overridable" : string.Empty)}[{string.Join('|', Domain)}]={Default}";
}

/// <summary>
/// A field of a <see cref="RandomModel"/>: an integer, a bool or a fixed-size buffer, present in every configuration or
/// only when a layout parameter has a value; a buffer may take its size from an integer layout parameter instead.
/// </summary>
internal sealed record RandomField(string Name, int Tag, FieldKind Kind, bool Skippable, int Since, string? WhenParameter, string? WhenValue,
    string? SizeParameter)
{
    public override string ToString() =>
        $"{Name}[{Tag}]:{Kind}{(Skippable ? "/skip" : string.Empty)}@{Since}{(WhenParameter is null ? string.Empty : $" when {WhenParameter}={WhenValue}")}"
        + (SizeParameter is null ? string.Empty : $" sized by {SizeParameter}");
}

/// <summary>
/// A random device model as one host declares it: versions, typed parameters with the values versions imply, and
/// fields whose presence or size depends on layout parameters. <see cref="Mutate"/> gives another host's declaration of
/// the same model (older, without a parameter, with fewer values, with a field more or less...).
/// </summary>
internal sealed record RandomModel(
    string Id,
    int Minimum,
    int Current,
    IReadOnlyList<RandomParameter> Parameters,
    IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>> Implied,
    IReadOnlyList<RandomField> Fields)
{
    public string Model => "urn:test:" + Id;

    public static RandomModel Generate(string id, Random random)
    {
        int minimum = random.Next(1, 3);
        int current = minimum + random.Next(0, 3);
        var parameters = new List<RandomParameter>();
        int count = random.Next(0, 4);
        for (int i = 0; i < count; i++)
        {
            string name = "p" + i.ToString(CultureInfo.InvariantCulture);
            bool overridable = random.Next(4) == 0;
            parameters.Add(random.Next(5) switch
            {
                0 => new RandomParameter(name, ParameterType.Bool, random.Next(3) > 0, overridable, [], 0, 0, random.Next(2) == 0 ? "on" : "off"),
                1 => new RandomParameter(name, ParameterType.Enum, random.Next(3) > 0, overridable, ["a", "b", "c"], 0, 0, "a"),
                2 => new RandomParameter(name, ParameterType.Integer, true, overridable, ["0", "2", "4"], 0, 4, "0"),
                3 => new RandomParameter(name, ParameterType.Integer, false, overridable, [], 1, 100, "10"),
                _ => new RandomParameter(name, ParameterType.String, false, overridable, [], 0, 0, string.Empty),
            });
        }

        var implied = new Dictionary<int, IReadOnlyDictionary<string, string>>();
        for (int version = minimum; version <= current; version++)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (RandomParameter parameter in parameters)
            {
                if (random.Next(3) == 0)
                {
                    values[parameter.Name] = parameter.Domain[random.Next(parameter.Domain.Length)];
                }
            }

            implied[version] = values;
        }

        var fields = new List<RandomField>();
        int fieldCount = random.Next(1, 6);
        RandomParameter[] layout = [.. parameters.Where(p => p.ChangesLayout)];
        for (int tag = 0; tag < fieldCount; tag++)
        {
            fields.Add(RandomFieldFor(tag, current, layout, random));
        }

        return new RandomModel(id, minimum, current, parameters, implied, fields);
    }

    public DeviceType BuildType()
    {
        var built = new BuiltModel(this);
        var versions = Implied.Where(v => v.Key >= Minimum && v.Key <= Current && v.Value.Count > 0)
            .ToDictionary(v => v.Key, v => new ConfigurationString(null, v.Value).ToString());
        return new DeviceType(
            Id,
            Model,
            Current,
            Minimum,
            configuration => new RandomModelDevice(configuration, built),
            new DeviceParameterSet([.. Parameters.Select(p => p.Build())], versions));
    }

    /// <summary>Another host's declaration of this model, and what changed.</summary>
    public RandomModel? Mutate(Random random, out string change)
    {
        switch (random.Next(9))
        {
            case 0 when Current > Minimum:
                change = "one version older";
                return (this with { Current = Current - 1, Fields = [.. Fields.Where(f => f.Since <= Current - 1)] }).Sanitized();
            case 1 when Current > Minimum:
                change = "minimum version raised";
                return (this with { Minimum = Minimum + 1 }).Sanitized();
            case 2 when Parameters.Count > 0:
            {
                RandomParameter dropped = Parameters[random.Next(Parameters.Count)];
                change = $"no parameter {dropped.Name}";

                // A host that predates a parameter has neither the fields it adds nor the sizes it gives.
                return (this with
                {
                    Parameters = [.. Parameters.Where(p => p != dropped)],
                    Fields = [.. Fields.Where(f => f.WhenParameter != dropped.Name && f.SizeParameter != dropped.Name)],
                }).Sanitized();
            }

            case 3 when Parameters.Any(p => p.Domain.Length > 2 && p.Type is ParameterType.Enum or ParameterType.Integer):
            {
                RandomParameter narrowed = Parameters.Where(p => p.Domain.Length > 2 && p.Type is ParameterType.Enum or ParameterType.Integer).First();
                string missing = narrowed.Values.Length > 0
                    ? narrowed.Values.Where(v => v != narrowed.Default).Last()
                    : narrowed.Maximum.ToString(CultureInfo.InvariantCulture);
                change = $"parameter {narrowed.Name} without the value {missing}";
                RandomParameter replacement = narrowed.Values.Length > 0
                    ? narrowed with { Values = [.. narrowed.Values.Where(v => v != missing)] }
                    : narrowed with { Maximum = narrowed.Maximum - 1 };
                return (this with { Parameters = [.. Parameters.Select(p => p == narrowed ? replacement : p)] }).Sanitized();
            }

            case 4 when Parameters.Count > 0:
            {
                // The host's version implies another value, or implies one where the source's implies none.
                int version = random.Next(Minimum, Current + 1);
                RandomParameter parameter = Parameters[random.Next(Parameters.Count)];
                string other = parameter.Domain[random.Next(parameter.Domain.Length)];
                change = $"version {version} implies {parameter.Name}={other}";
                var values = new Dictionary<string, string>(Implied.GetValueOrDefault(version) ?? new Dictionary<string, string>(), StringComparer.Ordinal)
                {
                    [parameter.Name] = other,
                };
                var implied = new Dictionary<int, IReadOnlyDictionary<string, string>>(Implied) { [version] = values };
                return (this with { Implied = implied }).Sanitized();
            }

            case 5 when Fields.Count > 1:
            {
                RandomField dropped = Fields[random.Next(Fields.Count)];
                change = $"no field {dropped.Name}";
                return this with { Fields = [.. Fields.Where(f => f != dropped)] };
            }

            case 6:
            {
                RandomField added = RandomFieldFor(Fields.Max(f => f.Tag) + 1, Current, [.. Parameters.Where(p => p.ChangesLayout)], random);
                change = $"a field more: {added}";
                return this with { Fields = [.. Fields, added] };
            }

            case 7:
                change = "model missing";
                return null;
            default:
                change = "the same";
                return this;
        }
    }

    public override string ToString() =>
        $"{Model} v{Minimum}..v{Current} params [{string.Join(", ", Parameters)}] implied "
        + $"[{string.Join("; ", Implied.OrderBy(v => v.Key).Select(v => $"v{v.Key}: {new ConfigurationString(null, v.Value)}"))}] "
        + $"fields [{string.Join(", ", Fields)}]";

    private static RandomField RandomFieldFor(int tag, int current, RandomParameter[] layout, Random random)
    {
        string name = "f" + tag.ToString(CultureInfo.InvariantCulture);
        int since = random.Next(1, current + 1);
        bool skippable = random.Next(3) == 0;
        RandomParameter? sizing = layout.FirstOrDefault(p => p.Type == ParameterType.Integer);
        if (sizing is not null && random.Next(4) == 0)
        {
            return new RandomField(name, tag, FieldKind.FixedBytes, skippable, since, null, null, sizing.Name);
        }

        RandomParameter? condition = layout.Length > 0 && random.Next(2) == 0 ? layout[random.Next(layout.Length)] : null;
        FieldKind kind = new[] { FieldKind.UInt8, FieldKind.UInt16, FieldKind.UInt32, FieldKind.Bool }[random.Next(4)];
        return new RandomField(name, tag, kind, skippable, since, condition?.Name, condition?.Domain[random.Next(condition.Domain.Length)], null);
    }

    /// <summary>Drops implied values the parameters no longer take (or no longer have), and versions out of range.</summary>
    private RandomModel Sanitized()
    {
        var implied = new Dictionary<int, IReadOnlyDictionary<string, string>>();
        foreach ((int version, IReadOnlyDictionary<string, string> values) in Implied)
        {
            if (version >= Minimum && version <= Current)
            {
                implied[version] = values
                    .Where(v => Parameters.FirstOrDefault(p => p.Name == v.Key) is { } p && p.Domain.Contains(v.Value))
                    .ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
            }
        }

        return this with { Implied = implied };
    }
}

/// <summary>The field specs of one host's declaration of a <see cref="RandomModel"/>, built once per type.</summary>
internal sealed class BuiltModel
{
    public BuiltModel(RandomModel model)
    {
        Model = model;
        var root = new FieldSet(model.Id);
        foreach (RandomField field in model.Fields)
        {
            if (field.Kind == FieldKind.FixedBytes)
            {
                Sizes[field] = ["2", "4"];
                foreach (int size in new[] { 2, 4 })
                {
                    Buffers[(field, size)] = root.FixedBytes(field.Name, field.Tag, size, field.Skippable, field.Since);
                }

                continue;
            }

            Specs[field] = field.Kind switch
            {
                FieldKind.UInt8 => root.UInt8(field.Name, field.Tag, field.Skippable, field.Since),
                FieldKind.UInt16 => root.UInt16(field.Name, field.Tag, field.Skippable, field.Since),
                FieldKind.UInt32 => root.UInt32(field.Name, field.Tag, field.Skippable, field.Since),
                _ => root.Bool(field.Name, field.Tag, field.Skippable, field.Since),
            };
        }
    }

    public RandomModel Model { get; }

    public Dictionary<RandomField, FieldSpec> Specs { get; } = [];

    public Dictionary<(RandomField Field, int Size), ArrayFieldSpec<byte>> Buffers { get; } = [];

    public Dictionary<RandomField, string[]> Sizes { get; } = [];
}

/// <summary>A device of a <see cref="RandomModel"/>: it reads its configuration by name, so it runs on every host's declaration.</summary>
internal sealed class RandomModelDevice : IDeviceState
{
    private readonly BuiltModel _built;
    private readonly long[] _values;
    private readonly byte[][] _buffers;
    private readonly bool[] _present;

    public RandomModelDevice(DeviceConfiguration configuration, BuiltModel built)
    {
        Configuration = configuration;
        _built = built;
        IReadOnlyList<RandomField> fields = built.Model.Fields;
        _values = new long[fields.Count];
        _buffers = new byte[fields.Count][];
        _present = new bool[fields.Count];
        for (int i = 0; i < fields.Count; i++)
        {
            RandomField field = fields[i];
            _present[i] = field.WhenParameter is null || configuration.GetText(field.WhenParameter) == field.WhenValue;
            int size = field.SizeParameter is null ? 0 : int.Parse(configuration.GetText(field.SizeParameter) ?? "0", CultureInfo.InvariantCulture);
            _buffers[i] = new byte[size];
            _present[i] &= field.Kind != FieldKind.FixedBytes || size > 0;
        }
    }

    public DeviceType Type => Configuration.Type;

    public int Version => Configuration.Version;

    public DeviceConfiguration Configuration { get; }

    public void Fill(Random random)
    {
        for (int i = 0; i < _values.Length; i++)
        {
            _values[i] = random.Next(0, 250);
            random.NextBytes(_buffers[i]);
        }
    }

    public void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct
    {
        IReadOnlyList<RandomField> fields = _built.Model.Fields;
        for (int i = 0; i < fields.Count; i++)
        {
            if (!_present[i])
            {
                continue;
            }

            RandomField field = fields[i];
            if (field.Kind == FieldKind.FixedBytes)
            {
                visitor.Field(_built.Buffers[(field, _buffers[i].Length)], _buffers[i].AsSpan());
                continue;
            }

            switch (_built.Specs[field])
            {
                case FieldSpec<byte> u8: { byte v = (byte)_values[i]; visitor.Field(u8, ref v); _values[i] = v; break; }
                case FieldSpec<ushort> u16: { ushort v = (ushort)_values[i]; visitor.Field(u16, ref v); _values[i] = v; break; }
                case FieldSpec<uint> u32: { uint v = (uint)_values[i]; visitor.Field(u32, ref v); _values[i] = v; break; }
                case FieldSpec<bool> flag: { bool v = _values[i] % 2 == 1; visitor.Field(flag, ref v); _values[i] = v ? 1 : 0; break; }
            }
        }
    }

    public string Describe() => string.Join(" ", _values) + " " + string.Join(" ", _buffers.Select(Convert.ToHexString));
}
