using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MigrationFormat.Generators;

/// <summary>Reads an attribute's values and finds the source of each argument, so that diagnostics point at the argument at fault.</summary>
internal sealed class AttributeReader
{
    private readonly AttributeData _attribute;
    private readonly AttributeSyntax? _syntax;

    public AttributeReader(AttributeData attribute, CancellationToken cancellationToken)
    {
        _attribute = attribute;
        _syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        Location = LocationInfo.From(_syntax);
    }

    /// <summary>Gets the whole attribute's location.</summary>
    public LocationInfo? Location { get; }

    public T? Positional<T>(int index) where T : class =>
        index < _attribute.ConstructorArguments.Length ? _attribute.ConstructorArguments[index].Value as T : null;

    public int Positional(int index, int fallback) =>
        index < _attribute.ConstructorArguments.Length && _attribute.ConstructorArguments[index].Value is int value ? value : fallback;

    public bool HasNamed(string name)
    {
        foreach (var argument in _attribute.NamedArguments)
        {
            if (argument.Key == name)
            {
                return true;
            }
        }

        return false;
    }

    public T Named<T>(string name, T fallback)
    {
        foreach (var argument in _attribute.NamedArguments)
        {
            if (argument.Key == name)
            {
                return argument.Value.Value is T value ? value : fallback;
            }
        }

        return fallback;
    }

    /// <summary>Gets the strings of an array-valued named argument, or <see langword="null"/> when it is not written (or is null).</summary>
    public string?[]? NamedStrings(string name)
    {
        foreach (var argument in _attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Kind == TypedConstantKind.Array && !argument.Value.IsNull)
            {
                var values = new string?[argument.Value.Values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = argument.Value.Values[i].Value as string;
                }

                return values;
            }
        }

        return null;
    }

    /// <summary>Gets the location of the positional argument at <paramref name="index"/>, or of the attribute.</summary>
    public LocationInfo? PositionalLocation(int index)
    {
        if (_syntax?.ArgumentList is { } list)
        {
            int position = 0;
            foreach (AttributeArgumentSyntax argument in list.Arguments)
            {
                if (argument.NameEquals is not null)
                {
                    continue;
                }

                if (position++ == index)
                {
                    return LocationInfo.From(argument);
                }
            }
        }

        return Location;
    }

    /// <summary>Gets the location of the named argument <paramref name="name"/> (<c>Since = 4</c>), or <see langword="null"/> when it is not written.</summary>
    public LocationInfo? NamedLocation(string name)
    {
        if (_syntax?.ArgumentList is { } list)
        {
            foreach (AttributeArgumentSyntax argument in list.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                {
                    return LocationInfo.From(argument);
                }
            }
        }

        return null;
    }
}
