using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace MigrationFormat.Schema.Asn1;

/// <summary>
/// Turns field and device names into ASN.1 names (X.680 §12.2, §12.3): an identifier starts with a lower-case letter,
/// a type reference with an upper-case one; both hold letters, digits and single hyphens, and do not end in a hyphen.
/// </summary>
/// <remarks>
/// The mapping (docs/wire-format.md §6.2): every character other than an ASCII letter or digit becomes a hyphen; runs
/// of hyphens become one, and leading and trailing ones are dropped; the first letter is lowered (identifiers) or
/// raised (type references); a name that then starts with a digit gets the prefix <c>f-</c> (identifiers) or
/// <c>T-</c> (type references), and one left empty becomes <c>f</c> or <c>T</c>. <c>tx_count</c> becomes <c>tx-count</c>, <c>unused[0]</c>
/// becomes <c>unused-0</c>, <c>virtio-net</c> becomes the type reference <c>Virtio-net</c>. Names that collide
/// within one structure are told apart by <see cref="Asn1NameScope"/>.
/// </remarks>
public static class Asn1Names
{
    /// <summary>Maps a field name to an ASN.1 identifier.</summary>
    /// <param name="name">The field's name.</param>
    /// <returns>The identifier, e.g. <c>tx-count</c> for <c>tx_count</c>.</returns>
    public static string ToIdentifier(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string body = Hyphenate(name);
        if (body.Length == 0)
        {
            return "f";
        }

        return char.IsAsciiLetter(body[0]) ? char.ToLowerInvariant(body[0]) + body[1..] : "f-" + body;
    }

    /// <summary>Maps a name (a device id, a field name) to an ASN.1 type reference.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The type reference, e.g. <c>Virtio-net</c> for <c>virtio-net</c>.</returns>
    public static string ToTypeReference(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string body = Hyphenate(name);
        if (body.Length == 0)
        {
            return "T";
        }

        return char.IsAsciiLetter(body[0]) ? char.ToUpperInvariant(body[0]) + body[1..] : "T-" + body;
    }

    /// <summary>Replaces every character that is not an ASCII letter or digit by one hyphen, without leading or trailing ones.</summary>
    private static string Hyphenate(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                text.Append(c);
            }
            else if (text.Length > 0 && text[^1] != '-')
            {
                text.Append('-');
            }
        }

        return text.ToString().TrimEnd('-');
    }
}

/// <summary>The names taken in one ASN.1 scope (the components of one SEQUENCE, or a module's type references).</summary>
public sealed class Asn1NameScope
{
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    /// <summary>Creates a scope in which <paramref name="reserved"/> are already taken.</summary>
    /// <param name="reserved">Names the scope must not hand out.</param>
    public Asn1NameScope(params IEnumerable<string> reserved)
    {
        ArgumentNullException.ThrowIfNull(reserved);
        _taken.UnionWith(reserved);
    }

    /// <summary>
    /// Takes <paramref name="name"/>, or when it is taken the first free of <c>name-tag</c> (when a tag is given) and
    /// <c>name-2</c>, <c>name-3</c>, and so on.
    /// </summary>
    /// <param name="name">A valid ASN.1 name.</param>
    /// <param name="tag">The field's tag number, or -1.</param>
    /// <returns>The name taken.</returns>
    public string Take(string name, int tag = -1)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_taken.Add(name))
        {
            return name;
        }

        if (tag >= 0 && _taken.Add(string.Create(CultureInfo.InvariantCulture, $"{name}-{tag}")))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{name}-{tag}");
        }

        for (int n = 2; ; n++)
        {
            string candidate = string.Create(CultureInfo.InvariantCulture, $"{name}-{n}");
            if (_taken.Add(candidate))
            {
                return candidate;
            }
        }
    }
}
