using System;
using System.Collections.Generic;
using System.Linq;

namespace MigrationFormat.Visitors;

/// <summary>
/// A device configuration cannot be instantiated: the syntax is broken, or the version, a parameter name or a value is
/// not one the device supports. The message names the device model and the parameter; <see cref="Issues"/> has every
/// reason. It is an <see cref="ArgumentException"/>, as a configuration is an argument of the host program's call;
/// configurations read from a stream fail with <see cref="MigrationFormatException"/> instead.
/// </summary>
public sealed class DeviceConfigurationException : ArgumentException
{
    /// <summary>Creates an exception.</summary>
    public DeviceConfigurationException()
        : this("The device configuration is not valid.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public DeviceConfigurationException(string message)
        : base(message) => Issues = [];

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeviceConfigurationException(string message, Exception innerException)
        : base(message, innerException) => Issues = [];

    /// <summary>Creates an exception for the issues found.</summary>
    /// <param name="issues">Every issue, at least one.</param>
    /// <param name="paramName">The name of the argument that holds the configuration.</param>
    public DeviceConfigurationException(IReadOnlyList<ConfigurationIssue> issues, string? paramName = "configuration")
        : base(string.Join(" ", (issues ?? throw new ArgumentNullException(nameof(issues))).Select(i => i.Message)), paramName)
    {
        if (issues.Count == 0)
        {
            throw new ArgumentException("At least one issue is needed.", nameof(issues));
        }

        Issues = [.. issues];
    }

    /// <summary>Gets every reason the configuration cannot be instantiated, in the order they were found.</summary>
    public IReadOnlyList<ConfigurationIssue> Issues { get; }

    /// <summary>Gets the first reason, or <see langword="null"/> when the exception was created from a message alone.</summary>
    public ConfigurationIssue? Issue => Issues.Count > 0 ? Issues[0] : null;
}
