using System;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>A VFIO state change that cannot be made: an impossible request, or an arc that failed part way.</summary>
public sealed class VfioStateException : InvalidOperationException
{
    /// <summary>Creates an exception with a message.</summary>
    public VfioStateException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public VfioStateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public VfioStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a state change that stopped at <paramref name="reached"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="reached">The state the device is in afterwards.</param>
    /// <param name="innerException">The cause, if any.</param>
    public VfioStateException(string message, VfioDeviceState reached, Exception? innerException = null)
        : base(message, innerException)
    {
        Reached = reached;
    }

    /// <summary>Gets the state the device is in after the failure, when known.</summary>
    public VfioDeviceState? Reached { get; }
}
