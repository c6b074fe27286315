using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MigrationFormat.Visitors;

/// <summary>
/// A device's effective configuration: the version it runs as and the value of every parameter its type declares,
/// made by <see cref="DeviceType.Resolve(ConfigurationString)"/> from a configuration string (or
/// <see cref="DeviceType.DefaultConfiguration"/>), given to the device when it is created, and read by its
/// <c>Visit</c> when a parameter changes the state layout. The schema of a device is a function of this: its version
/// and the values of the parameters that change the layout (<see cref="LayoutKey"/>).
/// </summary>
public sealed class DeviceConfiguration : IEquatable<DeviceConfiguration>
{
    private readonly string[] _texts;
    private readonly object[] _values;
    private ConfigurationRecord? _record;

    internal DeviceConfiguration(DeviceType type, int version, bool namesVersion, string[] texts, object[] values)
    {
        Type = type;
        Version = version;
        NamesVersion = namesVersion;
        _texts = texts;
        _values = values;
        var layout = new StringBuilder();
        for (int i = 0; i < texts.Length; i++)
        {
            if (type.Parameters[i].ChangesLayout)
            {
                if (layout.Length > 0)
                {
                    layout.Append(',');
                }

                ConfigurationString.AppendItem(layout, type.Parameters[i].Name, texts[i]);
            }
        }

        LayoutKey = layout.ToString();
    }

    /// <summary>Gets the device type whose parameters the configuration gives values to.</summary>
    public DeviceType Type { get; }

    /// <summary>Gets the device model's URL.</summary>
    public string Model => Type.ModelId;

    /// <summary>Gets the version the device runs as: the one named, or the type's current version for parameters alone.</summary>
    public int Version { get; }

    /// <summary>
    /// Gets a value indicating whether the configuration names its version, so that the values the version implies
    /// apply (and those it fixes cannot be overridden). <see langword="false"/> for a configuration of parameters
    /// alone: it runs as the current version with each parameter given or at its default.
    /// </summary>
    public bool NamesVersion { get; }

    /// <summary>Gets the parameters' values as canonical texts, in declaration order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Values =>
        [.. Type.Parameters.Select((p, i) => new KeyValuePair<string, string>(p.Name, _texts[i]))];

    /// <summary>
    /// Gets the values of the parameters that change the state layout, as <c>name=value</c> items (empty when none
    /// does): two configurations of one type and version with the same key have the same layout and schema.
    /// </summary>
    public string LayoutKey { get; }

    /// <summary>Gets the value of a parameter.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="parameter">One of the type's parameters (or one of the same name and type).</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">The type has no parameter of that name and type.</exception>
    public T Get<T>(DeviceParameter<T> parameter)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(parameter);
        int index = Type.IndexOf(parameter.Name);
        if (index >= 0 && ReferenceEquals(Type.Parameters[index], parameter))
        {
            return (T)_values[index];
        }

        // A type that declares the same parameter with its own object (a catalog read from a document, a restricted
        // copy of a type): the value is read by name, through this type's declaration.
        if (index >= 0 && Type.Parameters[index] is DeviceParameter<T> own && own.Type == parameter.Type)
        {
            return (T)_values[index];
        }

        throw new ArgumentException($"Device model {Model} has no {parameter.Type} parameter '{parameter.Name}'.", nameof(parameter));
    }

    /// <summary>Gets the canonical text of a parameter's value.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The text, or <see langword="null"/> when the type has no such parameter.</returns>
    public string? GetText(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int index = Type.IndexOf(name);
        return index >= 0 ? _texts[index] : null;
    }

    /// <summary>Tells whether the configuration's version fixes a parameter: it names its version, the version implies the parameter, and the parameter is not
    /// overridable.</summary>
    /// <param name="parameter">One of the type's parameters.</param>
    /// <returns><see langword="true"/> when fixed.</returns>
    public bool IsFixedByVersion(DeviceParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return NamesVersion && !parameter.Overridable && Type.ImpliedBy(Version).ContainsKey(parameter.Name);
    }

    /// <summary>
    /// Tells whether a parameter is must-parse in this configuration's record: it changes the state layout and its value
    /// is not the one the named version implies. A version's own values are what the version number already says, and a
    /// destination of another version has its own: the state's field rules decide between them, as between any two
    /// versions. A value the configuration chose must be the destination's too.
    /// </summary>
    /// <param name="parameter">One of the type's parameters.</param>
    /// <returns><see langword="true"/> when must-parse.</returns>
    public bool IsMustParse(DeviceParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!parameter.ChangesLayout)
        {
            return false;
        }

        return !NamesVersion
            || !Type.ImpliedBy(Version).TryGetValue(parameter.Name, out string? implied)
            || !string.Equals(implied, GetText(parameter.Name), StringComparison.Ordinal);
    }

    /// <summary>
    /// Gets the canonical configuration string: <c>version=N</c> when named, then every parameter the version does
    /// not fix, with its value. Resolved by the same type, it gives this configuration back; resolved by another host's
    /// type of the same model, it asks for the same values.
    /// </summary>
    /// <returns>The configuration string.</returns>
    public ConfigurationString ToConfigurationString()
    {
        var items = new List<KeyValuePair<string, string>>();
        for (int i = 0; i < _texts.Length; i++)
        {
            if (!IsFixedByVersion(Type.Parameters[i]))
            {
                items.Add(new(Type.Parameters[i].Name, _texts[i]));
            }
        }

        return new ConfigurationString(NamesVersion ? Version : null, items);
    }

    /// <summary>
    /// Gets what a stream section carries: the model, <c>version=N</c> when named (must-parse), and every parameter,
    /// must-parse when <see cref="IsMustParse"/>, skippable otherwise.
    /// </summary>
    /// <returns>The record (made once, then shared).</returns>
    public ConfigurationRecord ToRecord()
    {
        if (_record is not null)
        {
            return _record;
        }

        var items = new List<ConfigurationItem>(_texts.Length + 1);
        if (NamesVersion)
        {
            items.Add(new(ConfigurationString.VersionName, Version.ToString(CultureInfo.InvariantCulture), MustParse: true));
        }

        for (int i = 0; i < _texts.Length; i++)
        {
            items.Add(new(Type.Parameters[i].Name, _texts[i], IsMustParse(Type.Parameters[i])));
        }

        _record = new ConfigurationRecord(Model, items);
        return _record;
    }

    /// <summary>
    /// Checks a configuration that a stream section (or a session's offer) carries against this one, the configuration
    /// of the device that is to load the state (docs/catalog.md §3): the model must be the same; a must-parse item must
    /// name a parameter this type knows, with a value it takes, equal to this configuration's; a skippable item this
    /// type does not know is ignored; a skippable item with another value is listed, and this device keeps its own.
    /// </summary>
    /// <param name="incoming">The configuration the state was saved with.</param>
    /// <returns>The issues that forbid the load (empty when it may proceed), and what was ignored or differs.</returns>
    public ConfigurationCheck Check(ConfigurationRecord incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var issues = new List<ConfigurationIssue>();
        var ignored = new List<string>();
        var differences = new List<string>();
        if (!string.Equals(incoming.Model, Model, StringComparison.Ordinal))
        {
            issues.Add(new(ConfigurationIssueKind.ModelMismatch, Model, null,
                $"The state was saved by device model {incoming.Model}; this device is model {Model}."));
            return new ConfigurationCheck(issues, ignored, differences);
        }

        foreach (ConfigurationItem item in incoming.Items)
        {
            if (item.Name == ConfigurationString.VersionName)
            {
                continue;
            }

            int index = Type.IndexOf(item.Name);
            if (index < 0)
            {
                if (item.MustParse)
                {
                    issues.Add(new(
                        ConfigurationIssueKind.ParameterUnknown,
                        Model,
                        item.Name,
                        $"Parameter '{item.Name}' of device model {Model} changes the state layout ({item}), and this host's model does not know it."));
                }
                else
                {
                    ignored.Add(item.ToString());
                }

                continue;
            }

            DeviceParameter parameter = Type.Parameters[index];
            if (!parameter.TryNormalize(item.Value, out string? value))
            {
                issues.Add(new(
                    ConfigurationIssueKind.ValueInvalid,
                    Model,
                    item.Name,
                    $"Parameter '{item.Name}' of device model {Model} takes {parameter.Domain} here; the state was saved with '{item.Value}'."));
            }
            else if (!string.Equals(value, _texts[index], StringComparison.Ordinal))
            {
                if (item.MustParse)
                {
                    issues.Add(new(
                        ConfigurationIssueKind.ValueDiffers,
                        Model,
                        item.Name,
                        $"Parameter '{item.Name}' of device model {Model} changes the state layout: the state was saved with {item.Name}={value}, "
                            + $"this device has {item.Name}={_texts[index]}."));
                }
                else
                {
                    differences.Add($"{item.Name}: {value} in the stream, {_texts[index]} here");
                }
            }
        }

        return new ConfigurationCheck(issues, ignored, differences);
    }

    /// <summary>Tells whether another configuration has the same version and values (by name), whatever its type object or <see
    /// cref="NamesVersion"/>.</summary>
    /// <param name="other">Another configuration.</param>
    /// <returns><see langword="true"/> when they agree.</returns>
    public bool HasSameValues(DeviceConfiguration other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Model, other.Model, StringComparison.Ordinal)
            && Version == other.Version
            && Values.SequenceEqual(other.Values);
    }

    /// <inheritdoc/>
    public bool Equals(DeviceConfiguration? other) => other is not null && NamesVersion == other.NamesVersion && HasSameValues(other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DeviceConfiguration);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Model, Version, NamesVersion, string.Join(",", _texts));

    /// <summary>Writes the canonical configuration string (<see cref="ToConfigurationString"/>).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => ToConfigurationString().ToString();
}
