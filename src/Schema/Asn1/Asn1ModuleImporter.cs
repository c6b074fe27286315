using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema.Asn1;

/// <summary>
/// Reads back the schema of a device version from the ASN.1 module <see cref="Asn1DeviceModule"/> writes
/// (<c>migfmt schema --format asn1</c>), so that a compatibility check can take such a module where it takes a schema
/// document. Everything the checker needs travels in the module: tags, tag classes (<c>[PRIVATE n]</c> is skippable),
/// types and sizes in the ASN.1, and versions, optional groups, blobs and field names in the comments the writer puts
/// beside each component. Modules written by hand or by other tools are not read.
/// </summary>
public static partial class Asn1ModuleImporter
{
    /// <summary>The most type assignments a module may hold; the writer makes one per structure, list or array.</summary>
    private const int MaxAssignments = 4096;

    /// <summary>The deepest nesting of structures followed; deeper modules are refused rather than recursed into.</summary>
    private const int MaxDepth = 64;

    /// <summary>Gets a value indicating whether <paramref name="utf8"/> is a device module <see cref="Asn1DeviceModule"/> wrote.</summary>
    /// <param name="utf8">The document's bytes.</param>
    /// <returns><see langword="true"/> when its first line names a device and the version its state is for.</returns>
    public static bool IsDeviceModule(ReadOnlySpan<byte> utf8)
    {
        int end = utf8.IndexOf((byte)'\n');
        ReadOnlySpan<byte> first = end < 0 ? utf8 : utf8[..end];
        return first.Length < 4096 && HeaderLine().IsMatch(Encoding.UTF8.GetString(first));
    }

    /// <summary>Reads the schema of the device version a module describes.</summary>
    /// <param name="text">The module's text.</param>
    /// <returns>The schema: id, model, version, the oldest version it loads, and every field.</returns>
    /// <exception cref="MigrationFormatException">The text is not a module <see cref="Asn1DeviceModule"/> writes, or breaks a limit.</exception>
    public static DeviceSchema Import(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        Match header = HeaderLine().Match(lines[0]);
        if (!header.Success)
        {
            throw Malformed("a first line '-- The state of device \"ID\" version N ...', as migfmt schema --format asn1 writes", 1);
        }

        string id = header.Groups["id"].Value.Replace("\"\"", "\"", StringComparison.Ordinal);
        int version = ParseInt(header.Groups["version"].Value, 1);
        var schema = new DeviceSchema(id, version)
        {
            ModelId = header.Groups["model"].Success ? header.Groups["model"].Value : null,
        };

        Dictionary<string, Assignment> assignments = ReadAssignments(lines);
        string prefix = Asn1Names.ToTypeReference(id) + string.Create(CultureInfo.InvariantCulture, $"-V{version}");
        if (!assignments.TryGetValue(prefix + "-Section", out Assignment? section))
        {
            throw Malformed($"the section type {prefix}-Section", lines.Length);
        }

        foreach (string line in section.Body)
        {
            Match oldest = OldestVersionLine().Match(line);
            if (oldest.Success)
            {
                schema.MinimumVersion = ParseInt(oldest.Groups["min"].Value, section.Line);
            }
        }

        if (!assignments.TryGetValue(prefix + "-State", out Assignment? state) || !state.IsSequence)
        {
            throw Malformed($"the state type {prefix}-State ::= [APPLICATION 2] SEQUENCE {{ ... }}", lines.Length);
        }

        ReadComponents(state, assignments, schema.Fields, 0);
        return schema;
    }

    private static Dictionary<string, Assignment> ReadAssignments(string[] lines)
    {
        var assignments = new Dictionary<string, Assignment>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Length; i++)
        {
            Match start = AssignmentLine().Match(lines[i]);
            if (!start.Success)
            {
                continue;
            }

            if (assignments.Count == MaxAssignments)
            {
                throw Malformed($"at most {MaxAssignments} type assignments", i + 1);
            }

            string rest = start.Groups["rest"].Value;
            var assignment = new Assignment(start.Groups["name"].Value, rest, i + 1);
            if (rest.EndsWith('{'))
            {
                while (++i < lines.Length && lines[i] != "}")
                {
                    assignment.Body.Add(lines[i]);
                }

                if (i == lines.Length)
                {
                    throw Malformed($"the '}}' that closes {assignment.Name}", assignment.Line);
                }
            }

            assignments[assignment.Name] = assignment;
        }

        return assignments;
    }

    private static void ReadComponents(Assignment sequence, Dictionary<string, Assignment> assignments, IList<FieldSchema> fields, int depth)
    {
        if (depth == MaxDepth)
        {
            throw Malformed($"structures nested at most {MaxDepth} deep", sequence.Line);
        }

        for (int i = 0; i < sequence.Body.Count; i++)
        {
            string line = sequence.Body[i];
            if (line.TrimStart().StartsWith("...", StringComparison.Ordinal))
            {
                continue;
            }

            Match component = ComponentLine().Match(line);
            if (!component.Success)
            {
                throw Malformed("a component 'identifier [n] Type' or 'identifier [PRIVATE n] Type' with its comment", sequence.Line + i + 1);
            }

            var comment = new FieldComment(component.Groups["comment"].Value);
            string name = comment.OriginalName ?? component.Groups["identifier"].Value;
            int tag = ParseInt(component.Groups["tag"].Value, sequence.Line + i + 1);
            string type = component.Groups["type"].Value.Trim();
            FieldSchema field = ReadType(name, tag, type, comment, assignments, depth, sequence.Line + i + 1);
            field.Skippable = component.Groups["private"].Success;
            field.Since = comment.Since;
            field.RemovedIn = comment.RemovedIn;
            field.Description = comment.Description;
            fields.Add(field);
        }
    }

    private static FieldSchema ReadType(
        string name, int tag, string type, FieldComment comment, Dictionary<string, Assignment> assignments, int depth, int line)
    {
        if (IntegerType().Match(type) is { Success: true } integer)
        {
            FieldKind kind = (integer.Groups["unsigned"].Value, integer.Groups["bits"].Value) switch
            {
                ("U", "8") => FieldKind.UInt8,
                ("U", "16") => FieldKind.UInt16,
                ("U", "32") => FieldKind.UInt32,
                ("U", "64") => FieldKind.UInt64,
                (_, "8") => FieldKind.Int8,
                (_, "16") => FieldKind.Int16,
                (_, "32") => FieldKind.Int32,
                _ => FieldKind.Int64,
            };
            return new FieldSchema(name, tag, kind);
        }

        if (type == "BOOLEAN")
        {
            return new FieldSchema(name, tag, FieldKind.Bool);
        }

        if (StringType().Match(type) is { Success: true } text)
        {
            bool octets = text.Groups["base"].Value == "OCTET STRING";
            int size = text.Groups["size"].Success ? ParseInt(text.Groups["size"].Value, line) : 0;
            FieldKind kind = !octets ? FieldKind.String
                : text.Groups["fixed"].Success ? FieldKind.FixedBytes
                : comment.IsBlob ? FieldKind.Blob
                : FieldKind.Bytes;
            return new FieldSchema(name, tag, kind) { Size = size };
        }

        if (!assignments.TryGetValue(type, out Assignment? nested))
        {
            throw Malformed($"a type the module assigns, for field '{name}'; found '{type}'", line);
        }

        if (nested.IsSequence)
        {
            var structure = new FieldSchema(name, tag, comment.IsOptionalGroup ? FieldKind.Optional : FieldKind.Struct);
            ReadComponents(nested, assignments, structure.Fields, depth + 1);
            return structure;
        }

        if (ArrayType().Match(nested.Rest) is { Success: true } array)
        {
            FieldKind kind = array.Groups["bits"].Value switch
            {
                "16" => FieldKind.UInt16Array,
                "32" => FieldKind.UInt32Array,
                "64" => FieldKind.UInt64Array,
                _ => throw Malformed($"an array of UInt16, UInt32 or UInt64 for field '{name}'", nested.Line),
            };
            return new FieldSchema(name, tag, kind) { Size = ParseInt(array.Groups["size"].Value, nested.Line) };
        }

        if (ListType().Match(nested.Rest) is { Success: true } list
            && assignments.TryGetValue(list.Groups["item"].Value, out Assignment? item)
            && ElementOf(item) is { } elementName
            && assignments.TryGetValue(elementName, out Assignment? element)
            && element.IsSequence)
        {
            int size = list.Groups["max"].Success ? ParseInt(list.Groups["max"].Value, nested.Line) - 1 : 0;
            var field = new FieldSchema(name, tag, FieldKind.List) { Size = size };
            ReadComponents(element, assignments, field.Fields, depth + 1);
            return field;
        }

        throw Malformed($"a structure, array or list type for field '{name}'; found {nested.Name} ::= {nested.Rest}", nested.Line);
    }

    private static string? ElementOf(Assignment item)
    {
        foreach (string line in item.Body)
        {
            Match element = ChoiceElementLine().Match(line);
            if (element.Success)
            {
                return element.Groups["type"].Value;
            }
        }

        return null;
    }

    private static int ParseInt(string text, int line) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw Malformed($"a number from 0 to {int.MaxValue}; found '{text}'", line);

    private static MigrationFormatException Malformed(string expected, int line) =>
        new(MigrationErrorKind.UnexpectedValue, string.Create(CultureInfo.InvariantCulture, $"Expected {expected} (line {line} of the ASN.1 module)."), -1);

    [GeneratedRegex("""^-- The state of device "(?<id>(?:[^"]|"")+)" version (?<version>[0-9]+)(?: \((?<model>[^)]*)\))?, generated""")]
    private static partial Regex HeaderLine();

    [GeneratedRegex("""^\s+version\s+INTEGER \((?<min>[0-9]+)\.\.2147483647\)""")]
    private static partial Regex OldestVersionLine();

    [GeneratedRegex("""^(?<name>[A-Z][A-Za-z0-9-]*) ::= (?<rest>.*)$""")]
    private static partial Regex AssignmentLine();

    [GeneratedRegex("""^\s+(?<identifier>[a-z][A-Za-z0-9-]*) \[(?<private>PRIVATE )?(?<tag>[0-9]+)\] """
        + """(?<type>[^,]+?)(?: OPTIONAL)?,?(?:\s+-- (?<comment>.*))?$""")]
    private static partial Regex ComponentLine();

    [GeneratedRegex("""^(?<unsigned>U?)Int(?<bits>8|16|32|64)$""")]
    private static partial Regex IntegerType();

    [GeneratedRegex("""^(?<base>OCTET STRING|UTF8String)(?: \(SIZE \((?:(?<fixed>)(?<size>[0-9]+)|0\.\.(?<size>[0-9]+))\)\))?$""")]
    private static partial Regex StringType();

    [GeneratedRegex("""^SEQUENCE \(SIZE \((?<size>[0-9]+)\)\) OF UInt(?<bits>[0-9]+)$""")]
    private static partial Regex ArrayType();

    [GeneratedRegex("""^SEQUENCE(?: \(SIZE \(1\.\.(?<max>[0-9]+)\)\))? OF (?<item>[A-Z][A-Za-z0-9-]*)$""")]
    private static partial Regex ListType();

    [GeneratedRegex("""^\s+element\s+(?<type>[A-Z][A-Za-z0-9-]*)\s*$""")]
    private static partial Regex ChoiceElementLine();

    /// <summary>One <c>Name ::= ...</c> of the module, with the lines of its braces when it has them.</summary>
    private sealed class Assignment(string name, string rest, int line)
    {
        public string Name { get; } = name;

        public string Rest { get; } = rest;

        public int Line { get; } = line;

        public List<string> Body { get; } = [];

        public bool IsSequence => Rest.EndsWith("SEQUENCE {", StringComparison.Ordinal);
    }

    /// <summary>What the writer says of a component in its comment: <c>since vN; removed in vN; skippable; ...</c>.</summary>
    private sealed class FieldComment
    {
        public FieldComment(string text)
        {
            var description = new List<string>();
            foreach (string part in text.Split("; "))
            {
                if (part.StartsWith("since v", StringComparison.Ordinal) && int.TryParse(part.AsSpan(7), CultureInfo.InvariantCulture, out int since))
                {
                    Since = since;
                }
                else if (part.StartsWith("removed in v", StringComparison.Ordinal)
                    && int.TryParse(part.AsSpan(12), CultureInfo.InvariantCulture, out int removed))
                {
                    RemovedIn = removed;
                }
                else if (part == "optional group")
                {
                    IsOptionalGroup = true;
                }
                else if (part == "blob, in segments")
                {
                    IsBlob = true;
                }
                else if (part.Length > 2 && part[0] == '"' && part[^1] == '"' && OriginalName is null && description.Count == 0)
                {
                    OriginalName = part[1..^1];
                }
                else if (part is not ("skippable" or "must-parse") && !part.StartsWith("at most ", StringComparison.Ordinal))
                {
                    description.Add(part);
                }
            }

            Description = description.Count == 0 ? null : string.Join("; ", description);
        }

        public int Since { get; } = 1;

        public int RemovedIn { get; }

        public bool IsOptionalGroup { get; }

        public bool IsBlob { get; }

        public string? OriginalName { get; }

        public string? Description { get; }
    }
}
