using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using MigrationFormat.Visitors;

namespace MigrationFormat.Schema.Asn1;

/// <summary>
/// The ASN.1 module of one device version, generated from its schema (docs/wire-format.md §6): the device's state as
/// a SEQUENCE whose components carry the fields' IMPLICIT tags (context class for must-parse, PRIVATE for
/// skippable), and a stream type for a stream of that device's sections, so that a decoder generated from this
/// module and <see cref="Asn1FramingModule"/> reads such a stream with every field named.
/// </summary>
public sealed class Asn1DeviceModule
{
    private readonly Dictionary<FieldSchema, string> _identifiers;

    private Asn1DeviceModule(DeviceSchema schema, string prefix, string text, Dictionary<FieldSchema, string> identifiers)
    {
        Schema = schema;
        ModuleName = "MigrationFormat-" + prefix;
        StreamType = prefix + "-Stream";
        SectionType = prefix + "-Section";
        StateType = prefix + "-State";
        Text = text;
        _identifiers = identifiers;
    }

    /// <summary>Gets the schema the module was generated from.</summary>
    public DeviceSchema Schema { get; }

    /// <summary>Gets the module's name, e.g. <c>MigrationFormat-Serial-V3</c>.</summary>
    public string ModuleName { get; }

    /// <summary>Gets the type of a whole stream whose sections are all of this device, e.g. <c>Serial-V3-Stream</c>.</summary>
    public string StreamType { get; }

    /// <summary>Gets the type of one section of this device.</summary>
    public string SectionType { get; }

    /// <summary>Gets the type of the device's state, the <c>[APPLICATION 2]</c> value of a section.</summary>
    public string StateType { get; }

    /// <summary>Gets the module's text.</summary>
    public string Text { get; }

    /// <summary>Generates the module of a device version.</summary>
    /// <param name="schema">The device version's schema.</param>
    /// <returns>The module.</returns>
    public static Asn1DeviceModule Create(DeviceSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new Generator(schema).Build();
    }

    /// <summary>Gets the ASN.1 identifier a field of <see cref="Schema"/> has in the module.</summary>
    /// <param name="field">A field of <see cref="Schema"/>, at any depth.</param>
    /// <returns>The identifier, e.g. <c>tx-count</c>.</returns>
    /// <exception cref="ArgumentException">The field is not one of the schema's.</exception>
    public string IdentifierOf(FieldSchema field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return _identifiers.TryGetValue(field, out string? identifier)
            ? identifier
            : throw new ArgumentException($"Field '{field.Name}' is not a field of {Schema}.", nameof(field));
    }

    /// <summary>Writes the module's text, one type at a time.</summary>
    private sealed class Generator
    {
        private const string ExtensionComment = "fields after this marker came with later versions; a decoder skips fields it does not know";

        private static readonly string[] Imports =
            ["Header", "Schemas", "Trailer", "Checksum", "Configuration", "UInt8", "UInt16", "UInt32", "UInt64", "Int8", "Int16", "Int32", "Int64"];

        private readonly DeviceSchema _schema;
        private readonly string _prefix;
        private readonly Asn1NameScope _types;
        private readonly Dictionary<FieldSchema, string> _identifiers = new(ReferenceEqualityComparer.Instance);
        private readonly StringBuilder _text = new();

        public Generator(DeviceSchema schema)
        {
            _schema = schema;
            _prefix = string.Create(CultureInfo.InvariantCulture, $"{Asn1Names.ToTypeReference(schema.Id)}-V{schema.Version}");
            _types = new Asn1NameScope([.. Imports, _prefix + "-Stream", _prefix + "-Sections", _prefix + "-Section", _prefix + "-State"]);
        }

        public Asn1DeviceModule Build()
        {
            WriteHeader();
            var nested = new List<(string Name, FieldSchema Field)>();
            WriteSequence(_prefix + "-State", "[APPLICATION 2] ", _schema.Fields, _schema.MinimumVersion, _prefix, nested);

            // Breadth first: each nested type follows the types that use it, in the order of their fields.
            for (int i = 0; i < nested.Count; i++)
            {
                WriteNested(nested[i].Name, nested[i].Field, nested);
            }

            _text.Append("END\n");
            return new Asn1DeviceModule(_schema, _prefix, _text.ToString(), _identifiers);
        }

        private void WriteHeader()
        {
            string id = Asn1Text.Escape(_schema.Id);
            _text.Append(CultureInfo.InvariantCulture, $"-- The state of device \"{id}\" version {_schema.Version}")
                .Append(_schema.ModelId is null ? string.Empty : " (" + Asn1Text.Comment(_schema.ModelId) + ")")
                .Append(", generated from its schema (migfmt schema, format asn1).\n")
                .Append("-- Identifiers come from field names as docs/wire-format.md section 6.2 says; tags and classes are the stream's.\n")
                .Append(CultureInfo.InvariantCulture, $"MigrationFormat-{_prefix} DEFINITIONS IMPLICIT TAGS ::= BEGIN\n\n")
                .Append("EXPORTS ALL;\n\n")
                .Append("IMPORTS ").Append(string.Join(", ", Imports)).Append('\n')
                .Append("    FROM ").Append(Asn1FramingModule.ModuleName).Append(";\n\n")
                .Append("-- A stream whose sections are all of this device.\n")
                .Append(CultureInfo.InvariantCulture, $"{_prefix}-Stream ::= [APPLICATION 9926] SEQUENCE {{\n")
                .Append("    header    Header,\n")
                .Append("    schemas   Schemas OPTIONAL,\n")
                .Append(CultureInfo.InvariantCulture, $"    sections  {_prefix}-Sections,\n")
                .Append("    trailer   Trailer\n")
                .Append("}\n\n")
                .Append(CultureInfo.InvariantCulture, $"{_prefix}-Sections ::= [APPLICATION 6] SEQUENCE OF {_prefix}-Section\n\n")
                .Append(CultureInfo.InvariantCulture, $"{_prefix}-Section ::= [APPLICATION 1] SEQUENCE {{\n")
                .Append(CultureInfo.InvariantCulture, $"    id             UTF8String (\"{id}\"),\n")
                .Append("    instanceId     INTEGER (0..4294967295),\n")
                .Append(CultureInfo.InvariantCulture, $"    version        INTEGER ({_schema.MinimumVersion}..2147483647),")
                .Append(CultureInfo.InvariantCulture, $"  -- streams of these versions load into v{_schema.Version}\n")
                .Append("    configuration  Configuration OPTIONAL,\n")
                .Append(CultureInfo.InvariantCulture, $"    state          {_prefix}-State,\n")
                .Append("    checksum       Checksum OPTIONAL,\n")
                .Append("    ...\n")
                .Append("}\n\n");
        }

        private void WriteNested(string name, FieldSchema field, List<(string Name, FieldSchema Field)> nested)
        {
            int since = Math.Max(_schema.MinimumVersion, field.Since);
            switch (field.Kind)
            {
                case FieldKind.Struct or FieldKind.Optional:
                    WriteSequence(name, string.Empty, field.Fields, since, name, nested);
                    break;
                case FieldKind.UInt16Array or FieldKind.UInt32Array or FieldKind.UInt64Array:
                    _text.Append(CultureInfo.InvariantCulture, $"{name} ::= SEQUENCE (SIZE ({field.Size})) OF UInt{field.Kind.BitWidth()}\n\n");
                    break;
                default:
                    // A list: the element count, then the elements (docs/wire-format.md section 2.2).
                    string item = _types.Take(name + "-Item");
                    string element = _types.Take(name + "-Element");
                    string count = field.Size > 0 ? field.Size.ToString(CultureInfo.InvariantCulture) : "MAX";
                    string size = field.Size > 0 ? string.Create(CultureInfo.InvariantCulture, $" (SIZE (1..{field.Size + 1}))") : string.Empty;
                    _text.Append("-- The element count first, then the elements; ASN.1 cannot say that the count comes once and first.\n")
                        .Append(CultureInfo.InvariantCulture, $"{name} ::= SEQUENCE{size} OF {item}\n\n")
                        .Append(CultureInfo.InvariantCulture, $"{item} ::= CHOICE {{\n")
                        .Append(CultureInfo.InvariantCulture, $"    count    INTEGER (0..{count}),\n")
                        .Append(CultureInfo.InvariantCulture, $"    element  {element}\n")
                        .Append("}\n\n");
                    WriteSequence(element, string.Empty, field.Fields, since, name, nested);
                    break;
            }
        }

        /// <summary>
        /// Writes a SEQUENCE of <paramref name="fields"/>: the fields every loadable version carries first, then the
        /// extension marker, then the trailing fields that versions after <paramref name="since"/> added, as extension
        /// additions, so that an older module skips them and a newer one accepts their absence.
        /// </summary>
        private void WriteSequence(
            string name, string tag, IList<FieldSchema> fields, int since, string typePrefix, List<(string Name, FieldSchema Field)> nested)
        {
            int additions = fields.Count;
            while (additions > 0 && fields[additions - 1].Since > since)
            {
                additions--;
            }

            var scope = new Asn1NameScope();
            var components = new List<(string Text, string Comment)>();
            for (int i = 0; i < fields.Count; i++)
            {
                if (i == additions)
                {
                    components.Add(("...", ExtensionComment));
                }

                FieldSchema field = fields[i];
                string identifier = scope.Take(Asn1Names.ToIdentifier(field.Name), field.Tag);
                _identifiers[field] = identifier;
                string type = TypeOf(field, typePrefix + "-" + Asn1Names.ToTypeReference(identifier), nested);
                string flag = string.Create(CultureInfo.InvariantCulture, $"[{(field.Skippable ? "PRIVATE " : string.Empty)}{field.Tag}]");
                bool optional = field.Kind == FieldKind.Optional || field.Skippable || field.RemovedIn != 0 || (i < additions && field.Since > since);
                components.Add(($"{identifier} {flag} {type}{(optional ? " OPTIONAL" : string.Empty)}", CommentOf(field)));
            }

            if (additions == fields.Count)
            {
                components.Add(("...", ExtensionComment));
            }

            _text.Append(CultureInfo.InvariantCulture, $"{name} ::= {tag}SEQUENCE {{\n");
            int width = 0;
            foreach ((string text, _) in components)
            {
                width = Math.Max(width, text.Length + 1);
            }

            for (int i = 0; i < components.Count; i++)
            {
                string text = components[i].Text + (i + 1 < components.Count ? "," : string.Empty);
                _text.Append("    ").Append(text);
                if (components[i].Comment.Length > 0)
                {
                    _text.Append(' ', width - text.Length + 2).Append("-- ").Append(components[i].Comment);
                }

                _text.Append('\n');
            }

            _text.Append("}\n\n");
        }

        private string TypeOf(FieldSchema field, string nestedName, List<(string Name, FieldSchema Field)> nested)
        {
            string size = field.Size.ToString(CultureInfo.InvariantCulture);
            switch (field.Kind)
            {
                case FieldKind.UInt8 or FieldKind.UInt16 or FieldKind.UInt32 or FieldKind.UInt64:
                    return "UInt" + field.Kind.BitWidth().ToString(CultureInfo.InvariantCulture);
                case FieldKind.Int8 or FieldKind.Int16 or FieldKind.Int32 or FieldKind.Int64:
                    return "Int" + field.Kind.BitWidth().ToString(CultureInfo.InvariantCulture);
                case FieldKind.Bool:
                    return "BOOLEAN";
                case FieldKind.FixedBytes:
                    return $"OCTET STRING (SIZE ({size}))";
                case FieldKind.Bytes or FieldKind.Blob:
                    return field.Size > 0 ? $"OCTET STRING (SIZE (0..{size}))" : "OCTET STRING";
                case FieldKind.String:
                    return field.Size > 0 ? $"UTF8String (SIZE (0..{size}))" : "UTF8String";
                default:
                    string name = _types.Take(nestedName);
                    nested.Add((name, field));
                    return name;
            }
        }

        private static string CommentOf(FieldSchema field)
        {
            var parts = new List<string>();
            if (field.Since > 1)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"since v{field.Since}"));
            }

            if (field.RemovedIn != 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"removed in v{field.RemovedIn}"));
            }

            parts.Add(field.Skippable ? "skippable" : "must-parse");
            switch (field.Kind)
            {
                case FieldKind.Optional:
                    parts.Add("optional group");
                    break;
                case FieldKind.Blob:
                    parts.Add("blob, in segments");
                    break;
                case FieldKind.String when field.Size > 0:
                    parts.Add(string.Create(CultureInfo.InvariantCulture, $"at most {field.Size} UTF-8 octets"));
                    break;
            }

            if (!string.Equals(Asn1Names.ToIdentifier(field.Name), field.Name, StringComparison.Ordinal))
            {
                parts.Add("\"" + field.Name + "\"");
            }

            if (!string.IsNullOrWhiteSpace(field.Description))
            {
                parts.Add(field.Description);
            }

            return Asn1Text.Comment(string.Join("; ", parts));
        }
    }
}

/// <summary>Makes text safe inside ASN.1 comments and character strings.</summary>
internal static class Asn1Text
{
    /// <summary>Makes <paramref name="text"/> one line that cannot end the comment it stands in (no <c>--</c>, no line break).</summary>
    public static string Comment(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            char next = char.IsControl(c) ? ' ' : c;
            if (next == '-' && result.Length > 0 && result[^1] == '-')
            {
                continue;
            }

            result.Append(next);
        }

        return result.ToString().Trim().TrimEnd('-');
    }

    /// <summary>Escapes a value for a cstring: a quotation mark is doubled (X.680 §12.14).</summary>
    public static string Escape(string text) => text.Replace("\"", "\"\"", StringComparison.Ordinal);
}
