using System.Globalization;
using System.Text;

namespace MigrationFormat.Generators.Tests;

/// <summary>A field kind the generator supports, as a C# declaration writes it.</summary>
internal sealed record SourceKind(string Name, string Type, string Initializer, bool HasLength, bool HasMaxLength)
{
    public static IReadOnlyList<SourceKind> All { get; } =
    [
        new("uint8", "byte", string.Empty, false, false),
        new("int8", "sbyte", string.Empty, false, false),
        new("uint16", "ushort", string.Empty, false, false),
        new("int16", "short", string.Empty, false, false),
        new("uint32", "uint", string.Empty, false, false),
        new("int32", "int", string.Empty, false, false),
        new("uint64", "ulong", string.Empty, false, false),
        new("int64", "long", string.Empty, false, false),
        new("bool", "bool", string.Empty, false, false),
        new("string", "string", " = \"\"", false, true),
        new("bytes", "byte[]", " = []", false, true),
        new("fixed-bytes", "byte[]", " = new byte[{0}]", true, false),
        new("uint16-array", "ushort[]", " = new ushort[{0}]", true, false),
        new("uint32-array", "uint[]", " = new uint[{0}]", true, false),
        new("uint64-array", "ulong[]", " = new ulong[{0}]", true, false),
    ];
}

/// <summary>One declared field of a random device: top level, or a member of the group <see cref="Group"/>.</summary>
internal sealed record SourceField(
    string Name,
    int Tag,
    SourceKind Kind,
    int Length,
    int MaxLength,
    bool Skippable,
    int Since,
    bool WritesSince,
    int RemovedIn,
    string? Description,
    SourceGroup? Group)
{
    public bool ExistsIn(int version) => Since <= version && (RemovedIn == 0 || version < RemovedIn);

    public override string ToString() =>
        $"{Name}:{Kind.Name}[{Tag}] v{Since}..{(RemovedIn == 0 ? "" : RemovedIn.ToString(CultureInfo.InvariantCulture))} "
        + (Skippable ? "skippable" : "must-parse");
}

/// <summary>An optional group or a nested structure of a random device.</summary>
internal sealed record SourceGroup(string Name, int Tag, bool IsStruct, bool Skippable, int Since, int RemovedIn)
{
    public List<SourceField> Members { get; } = [];

    public bool ExistsIn(int version) => Since <= version && (RemovedIn == 0 || version < RemovedIn);

    public override string ToString() =>
        $"{(IsStruct ? "struct" : "optional")} {Name}[{Tag}] v{Since}..{(RemovedIn == 0 ? "" : RemovedIn.ToString(CultureInfo.InvariantCulture))} "
        + $"{(Skippable ? "skippable" : "must-parse")} {{{string.Join("; ", Members)}}}";
}

/// <summary>
/// The C# source of a random device declared with the generator's attributes, in three versions: fields of every
/// supported kind, each plain, added in a later version or removed in one, must-parse or skippable; optional groups
/// and nested structures that come and go with members of their own; members declared between top-level fields, so
/// that groups are visited at random positions. Every declaration is one the generator accepts without a diagnostic.
/// </summary>
internal sealed class RandomDeviceSource
{
    public const int CurrentVersion = 3;

    /// <summary>The (Since, RemovedIn) choices of a top-level field or group: always there, added in v2 or v3, removed in v2 or v3.</summary>
    private static readonly (int Since, int RemovedIn)[] Lifetimes = [(1, 0), (1, 0), (2, 0), (3, 0), (1, 2), (1, 3), (2, 3)];

    private RandomDeviceSource(int seed, List<SourceField> fields, List<SourceGroup> groups)
    {
        Seed = seed;
        Fields = fields;
        Groups = groups;
        Text = Write();
    }

    public int Seed { get; }

    /// <summary>Gets every declared field in declaration order, group members included.</summary>
    public IReadOnlyList<SourceField> Fields { get; }

    public IReadOnlyList<SourceGroup> Groups { get; }

    /// <summary>Gets the device's source text.</summary>
    public string Text { get; }

    public static RandomDeviceSource Generate(int seed)
    {
        var random = new Random(seed);
        var groups = new List<SourceGroup>();
        int groupCount = random.Next(0, 4);
        var topTags = new TagPool(random);
        for (int g = 0; g < groupCount; g++)
        {
            (int since, int removedIn) = Lifetimes[random.Next(Lifetimes.Length)];
            bool isStruct = random.Next(2) == 0;
            string name = (isStruct ? "s" : "g") + g.ToString(CultureInfo.InvariantCulture);
            groups.Add(new SourceGroup(name, topTags.Next(), isStruct, random.Next(3) == 0, since, removedIn));
        }

        var fields = new List<SourceField>();
        int topCount = random.Next(1, 9);
        for (int k = 0; k < topCount; k++)
        {
            (int since, int removedIn) = Lifetimes[random.Next(Lifetimes.Length)];
            fields.Add(NewField(random, fields.Count, topTags.Next(), since, removedIn, writesSince: since != 1, group: null));
        }

        foreach (SourceGroup group in groups)
        {
            var memberTags = new TagPool(random);
            int memberCount = random.Next(0, 4);
            for (int k = 0; k < memberCount; k++)
            {
                // A member lives within its group's versions (MIGFMT023): it may come later and go earlier.
                int lastSince = group.RemovedIn == 0 ? CurrentVersion : group.RemovedIn - 1;
                int since = random.Next(group.Since, lastSince + 1);
                int removedIn = 0;
                int removalLimit = group.RemovedIn == 0 ? CurrentVersion : group.RemovedIn;
                if (since < removalLimit && random.Next(4) == 0)
                {
                    removedIn = random.Next(since + 1, removalLimit + 1);
                }

                bool writesSince = since != group.Since || random.Next(2) == 0;
                SourceField member = NewField(random, fields.Count, memberTags.Next(), since, removedIn, writesSince, group);
                group.Members.Add(member);
                fields.Insert(random.Next(fields.Count + 1), member);
            }
        }

        return new RandomDeviceSource(seed, fields, groups);
    }

    /// <summary>
    /// The outcome the cross-version rules give for a stream saved by <paramref name="source"/> with every optional group
    /// present, loaded by <paramref name="destination"/>: whether it loads, from the declarations alone.
    /// </summary>
    public bool Loads(int source, int destination)
    {
        foreach (SourceField field in Fields.Where(f => f.Group is null))
        {
            if (!Carried(field.ExistsIn(source), field.ExistsIn(destination), field.Skippable))
            {
                return false;
            }
        }

        foreach (SourceGroup group in Groups)
        {
            if (!Carried(group.ExistsIn(source), group.ExistsIn(destination), group.Skippable))
            {
                return false;
            }

            // A group both versions know is opened, so its members are judged one by one; one the destination does
            // not know is skipped whole or rejected whole, above.
            if (group.ExistsIn(source) && group.ExistsIn(destination))
            {
                foreach (SourceField member in group.Members)
                {
                    if (!Carried(member.ExistsIn(source), member.ExistsIn(destination), member.Skippable))
                    {
                        return false;
                    }
                }
            }
        }

        return true;

        // A value in the stream the destination does not know is skipped when skippable, else rejected; one the
        // stream lacks (added after the source's version) keeps the destination's value.
        static bool Carried(bool inSource, bool inDestination, bool skippable) => !inSource || inDestination || skippable;
    }

    public override string ToString() =>
        $"seed {Seed}: " + string.Join("; ", Fields.Where(f => f.Group is null)) + " | " + string.Join(" | ", Groups);

    private static SourceField NewField(Random random, int index, int tag, int since, int removedIn, bool writesSince, SourceGroup? group)
    {
        SourceKind kind = SourceKind.All[random.Next(SourceKind.All.Count)];
        return new SourceField(
            Name: "_f" + index.ToString(CultureInfo.InvariantCulture),
            Tag: tag,
            Kind: kind,
            Length: kind.HasLength ? random.Next(1, 7) : 0,
            MaxLength: kind.HasMaxLength && random.Next(2) == 0 ? random.Next(4, 33) : 0,
            Skippable: random.Next(3) == 0,
            Since: since,
            WritesSince: writesSince,
            RemovedIn: removedIn,
            Description: random.Next(6) == 0 ? "Field \"" + index.ToString(CultureInfo.InvariantCulture) + "\" <&> \\ described" : null,
            Group: group);
    }

    private string Write()
    {
        var text = new StringBuilder();
        text.Append("using MigrationFormat.Visitors;\n\nnamespace RandomDevices;\n\n");
        text.Append("/// <summary>A random device.</summary>\n");
        text.Append(CultureInfo.InvariantCulture, $"[MigrationDevice(\"random\", \"urn:migfmt:test:random-{Seed}\", CurrentVersion = {CurrentVersion})]\n");
        foreach (SourceGroup group in Groups)
        {
            text.Append(group.IsStruct ? "[MigrationStruct(" : "[MigrationOptionalGroup(");
            text.Append(CultureInfo.InvariantCulture, $"\"{group.Name}\", {group.Tag}");
            AppendVersions(text, group.Skippable, group.Since, group.Since != 1, group.RemovedIn);
            if (!group.IsStruct)
            {
                text.Append(CultureInfo.InvariantCulture, $", PresentFlag = nameof({PresentFlag(group)})");
            }

            text.Append(")]\n");
        }

        text.Append("public sealed partial class RandomDevice\n{\n");
        foreach (SourceField field in Fields)
        {
            text.Append(CultureInfo.InvariantCulture, $"    [MigrationField({field.Tag}");
            AppendVersions(text, field.Skippable, field.Since, field.WritesSince, field.RemovedIn);
            if (field.Group is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $", Group = \"{field.Group.Name}\"");
            }

            if (field.Length != 0)
            {
                text.Append(CultureInfo.InvariantCulture, $", Length = {field.Length}");
            }

            if (field.MaxLength != 0)
            {
                text.Append(CultureInfo.InvariantCulture, $", MaxLength = {field.MaxLength}");
            }

            if (field.Description is not null)
            {
                text.Append(", Description = ").Append(Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(field.Description, quote: true));
            }

            string modifiers = field.Kind.HasLength ? "private readonly" : "private";
            string initializer = string.Format(CultureInfo.InvariantCulture, field.Kind.Initializer, field.Length);
            text.Append(CultureInfo.InvariantCulture, $")] {modifiers} {field.Kind.Type} {field.Name}{initializer};\n");
        }

        foreach (SourceGroup group in Groups.Where(g => !g.IsStruct))
        {
            text.Append(CultureInfo.InvariantCulture, $"    private bool {PresentFlag(group)};\n");
        }

        text.Append("}\n");
        return text.ToString();
    }

    private static void AppendVersions(StringBuilder text, bool skippable, int since, bool writesSince, int removedIn)
    {
        if (skippable)
        {
            text.Append(", Skippable = true");
        }

        if (writesSince)
        {
            text.Append(CultureInfo.InvariantCulture, $", Since = {since}");
        }

        if (removedIn != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", RemovedIn = {removedIn}");
        }
    }

    private static string PresentFlag(SourceGroup group) => "_" + group.Name + "Present";

    /// <summary>Distinct tag numbers of one structure, small and large (31 and above take the high-tag-number form).</summary>
    private sealed class TagPool(Random random)
    {
        private readonly HashSet<int> _taken = [];

        public int Next()
        {
            while (true)
            {
                int tag = random.Next(4) == 0 ? random.Next(31, 200) : random.Next(0, 31);
                if (_taken.Add(tag))
                {
                    return tag;
                }
            }
        }
    }
}
