using System;

namespace MigrationFormat.Visitors;

/// <summary>
/// Declares the parameter values a version of a <see cref="MigrationDeviceAttribute"/> class implies: a version is a
/// named parameter set, so <c>version=1</c> means these values (docs/catalog.md).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class MigrationVersionAttribute : Attribute
{
    /// <summary>Declares a version's parameter set.</summary>
    /// <param name="version">The version, between the device's MinimumVersion and CurrentVersion.</param>
    /// <param name="parameters">The values it implies, as a configuration string without a version (<c>fifo=off,mode=a</c>).</param>
    public MigrationVersionAttribute(int version, string parameters)
    {
        Version = version;
        Parameters = parameters;
    }

    /// <summary>Gets the version.</summary>
    public int Version { get; }

    /// <summary>Gets the values it implies, as a configuration string.</summary>
    public string Parameters { get; }
}
