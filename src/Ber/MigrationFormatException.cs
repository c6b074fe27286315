using System;
using System.Globalization;
using System.Text;

namespace MigrationFormat;

/// <summary>
/// The one exception every decoder and loader in MigrationFormat throws for bad, truncated, hostile or
/// incompatible input. It says what was expected, what was found, and where: the absolute byte offset in
/// the stream, the field path, and, where they apply, the device and both versions.
/// </summary>
/// <remarks>
/// A load that throws this exception leaves the destination device as it was. Misuse of the API
/// (a null argument, unbalanced scopes) is reported with the usual <see cref="ArgumentException"/> and
/// <see cref="InvalidOperationException"/> instead.
/// </remarks>
public sealed class MigrationFormatException : Exception
{
    /// <summary>Creates an exception with a message and no location.</summary>
    public MigrationFormatException()
        : this(MigrationErrorKind.InvalidEncoding, "The migration stream is invalid.", -1)
    {
    }

    /// <summary>Creates an exception with a message and no location.</summary>
    /// <param name="message">What was expected and what was found.</param>
    public MigrationFormatException(string message)
        : this(MigrationErrorKind.InvalidEncoding, message, -1)
    {
    }

    /// <summary>Creates an exception that wraps another one.</summary>
    /// <param name="message">What was expected and what was found.</param>
    /// <param name="innerException">The underlying failure.</param>
    public MigrationFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Offset = -1;
        Detail = message;
    }

    /// <summary>Creates an exception with its kind, description and location.</summary>
    /// <param name="kind">The kind of failure.</param>
    /// <param name="detail">What was expected and what was found, without the location.</param>
    /// <param name="offset">The absolute byte offset in the stream, or -1 when unknown.</param>
    /// <param name="fieldPath">The field path (e.g. <c>virtio-net.queues[2].avail [1]</c>), or <see langword="null"/>.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public MigrationFormatException(MigrationErrorKind kind, string detail, long offset, string? fieldPath = null, Exception? innerException = null)
        : this(kind, detail, offset, fieldPath, device: null, sourceVersion: null, destinationVersion: null, innerException)
    {
    }

    /// <summary>Creates an exception with its kind, description, location, device and versions.</summary>
    /// <param name="kind">The kind of failure.</param>
    /// <param name="detail">What was expected and what was found, without the location.</param>
    /// <param name="offset">The absolute byte offset in the stream, or -1 when unknown.</param>
    /// <param name="fieldPath">The field path, or <see langword="null"/>.</param>
    /// <param name="device">The device section's id, or <see langword="null"/>.</param>
    /// <param name="sourceVersion">The version the stream was saved with, if known.</param>
    /// <param name="destinationVersion">The version loading it, if known.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public MigrationFormatException(
        MigrationErrorKind kind,
        string detail,
        long offset,
        string? fieldPath,
        string? device,
        int? sourceVersion,
        int? destinationVersion,
        Exception? innerException = null)
        : base(Compose(detail, offset, fieldPath, device, sourceVersion, destinationVersion), innerException)
    {
        Kind = kind;
        Detail = detail;
        Offset = offset;
        FieldPath = fieldPath;
        Device = device;
        SourceVersion = sourceVersion;
        DestinationVersion = destinationVersion;
    }

    /// <summary>Gets the kind of failure.</summary>
    public MigrationErrorKind Kind { get; }

    /// <summary>Gets the description of the failure without its location.</summary>
    public string Detail { get; }

    /// <summary>Gets the absolute byte offset in the stream where the failure was found, or -1 when unknown.</summary>
    public long Offset { get; }

    /// <summary>
    /// Gets the path of the field being read, or <see langword="null"/>. A BER device load gives the path from the
    /// device with the field's tag after it (<c>virtio-net.queues[2].avail [1]</c>), and names a field the destination
    /// does not know by its tag alone (<c>serial.[10]</c>) unless a name resolver knows it; other decoders give the
    /// path in their own terms (a VMState field path, a JSON path).
    /// </summary>
    public string? FieldPath { get; }

    /// <summary>Gets the device section's id string, or <see langword="null"/>.</summary>
    public string? Device { get; }

    /// <summary>Gets the device version the stream was saved with, if it applies.</summary>
    public int? SourceVersion { get; }

    /// <summary>Gets the device version that tried to load it, if it applies.</summary>
    public int? DestinationVersion { get; }

    /// <summary>Returns a copy of this exception with the device and versions filled in.</summary>
    /// <param name="device">The device section's id.</param>
    /// <param name="sourceVersion">The version the stream was saved with.</param>
    /// <param name="destinationVersion">The version loading it.</param>
    /// <returns>A new exception with the same kind, detail, offset and path.</returns>
    public MigrationFormatException WithDevice(string device, int? sourceVersion, int? destinationVersion) =>
        new(Kind, Detail, Offset, FieldPath, device, sourceVersion ?? SourceVersion, destinationVersion ?? DestinationVersion, InnerException);

    /// <summary>Returns a copy of this exception with its offset shifted, for a value decoded from a slice of a larger stream.</summary>
    /// <param name="baseOffset">The offset of the slice in the whole stream.</param>
    /// <returns>A new exception whose offset is absolute.</returns>
    public MigrationFormatException WithBaseOffset(long baseOffset) =>
        new(Kind, Detail, Offset < 0 ? Offset : Offset + baseOffset, FieldPath, Device, SourceVersion, DestinationVersion, InnerException);

    private static string Compose(string detail, long offset, string? fieldPath, string? device, int? sourceVersion, int? destinationVersion)
    {
        var text = new StringBuilder(detail);
        if (device is not null)
        {
            text.Append(" Device '").Append(device).Append('\'');
            if (sourceVersion is not null || destinationVersion is not null)
            {
                text.Append(" (stream version ")
                    .Append(sourceVersion?.ToString(CultureInfo.InvariantCulture) ?? "?")
                    .Append(", destination version ")
                    .Append(destinationVersion?.ToString(CultureInfo.InvariantCulture) ?? "?")
                    .Append(')');
            }

            text.Append('.');
        }

        if (fieldPath is not null)
        {
            text.Append(" Field '").Append(fieldPath).Append("'.");
        }

        if (offset >= 0)
        {
            text.Append(" At byte offset ").Append(offset.ToString(CultureInfo.InvariantCulture)).Append('.');
        }

        return text.ToString();
    }
}
