using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace MigrationFormat.Generators;

/// <summary>The names the generator derives: wire names from C# fields, C# identifiers from wire names.</summary>
internal static class Naming
{
    /// <summary>
    /// The wire name of a C# field: snake_case without leading underscores (<c>_txCount</c> → <c>tx_count</c>,
    /// <c>IIRValue</c> → <c>iir_value</c>), as QEMU and the hand-written samples name fields.
    /// </summary>
    public static string ToSnakeCase(string identifier)
    {
        int start = 0;
        while (start < identifier.Length && identifier[start] == '_')
        {
            start++;
        }

        var text = new StringBuilder(identifier.Length + 4);
        for (int i = start; i < identifier.Length; i++)
        {
            char c = identifier[i];
            if (char.IsUpper(c))
            {
                bool afterWordEnd = i > start && (char.IsLower(identifier[i - 1]) || char.IsDigit(identifier[i - 1]));
                bool acronymEnd = i > start && char.IsUpper(identifier[i - 1]) && i + 1 < identifier.Length && char.IsLower(identifier[i + 1]);
                if ((afterWordEnd || acronymEnd) && text.Length > 0 && text[text.Length - 1] != '_')
                {
                    text.Append('_');
                }

                text.Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>A PascalCase C# identifier from a C# field or wire name (<c>_txCount</c>, <c>tx_count</c> → <c>TxCount</c>).</summary>
    public static string ToPascalCase(string name)
    {
        var text = new StringBuilder(name.Length);
        bool upperNext = true;
        foreach (char c in name)
        {
            if (!char.IsLetterOrDigit(c))
            {
                upperNext = true;
                continue;
            }

            text.Append(upperNext ? char.ToUpperInvariant(c) : c);
            upperNext = false;
        }

        if (text.Length == 0 || char.IsDigit(text[0]))
        {
            text.Insert(0, "F");
        }

        return text.ToString();
    }

    /// <summary>An identifier as source must spell it: keywords take a leading <c>@</c>.</summary>
    public static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "@" + identifier : identifier;

    /// <summary>Hands out identifiers unique within one generated class.</summary>
    internal sealed class UniqueNames
    {
        // Members of object that a static field of the same name would hide (CS0108), and the class's own name (CS0542).
        private readonly HashSet<string> _taken = new(System.StringComparer.Ordinal)
        {
            "Fields", "Equals", "GetHashCode", "GetType", "ToString", "ReferenceEquals", "MemberwiseClone", "Finalize",
        };

        public string Take(string preferred, string suffix)
        {
            string name = preferred;
            if (!_taken.Add(name))
            {
                name = preferred + suffix;
                for (int n = 2; !_taken.Add(name); n++)
                {
                    name = preferred + suffix + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            return name;
        }
    }
}
