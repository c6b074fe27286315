using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using MigrationFormat.Ber;
using MigrationFormat.Visitors;

namespace MigrationFormat.Session;

/// <summary>A failure one side reports to the other: the return path's error message, or the source's abort.</summary>
/// <param name="Phase">The phase the sender was in, by name.</param>
/// <param name="Reason">What went wrong.</param>
/// <param name="Device">The device concerned, or <see langword="null"/>.</param>
internal sealed record PeerFailure(string Phase, string Reason, string? Device);

/// <summary>The figures of a pre-copy round, as the skippable round-end message carries them.</summary>
internal readonly record struct RoundFigures(int Round, long Bytes, long PendingInitial, long PendingDirty);

/// <summary>
/// Encodes and decodes the session's messages (docs/protocol.md, ASN.1 module). Small messages are built with
/// <see cref="BerWriter"/> in definite form; device data is framed by hand so that the device can fill the transport's
/// buffer directly.
/// </summary>
internal static class MessageCodec
{
    /// <summary>The bytes before a device-data message's data: identifier, 4-octet length, the device INTEGER (at most 6), the OCTET STRING's identifier and
    /// 4-octet length.</summary>
    public const int MaxDataHeaderLength = 1 + 5 + 6 + 1 + 5;

    private static readonly BerTag RefusedTag = new(BerTagClass.ContextSpecific, 1);
    private static readonly BerTag AcceptedTag = new(BerTagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly BerTag DeviceTag = new(BerTagClass.ContextSpecific, 0);

    public static void WriteHeader(MessageWriter output, string producer, IReadOnlyList<SessionCapability> capabilities)
    {
        var writer = new BerWriter(output);
        writer.PushConstructed(MigrationStreamFormat.HeaderTag);
        writer.WriteInteger((long)MigrationStreamFormat.FormatVersion);
        writer.WriteUtf8String(producer);
        writer.PushSequence();
        foreach (SessionCapability capability in capabilities)
        {
            writer.WriteUtf8String(capability.Name, capability.Required ? MigrationStreamFormat.RequiredCapabilityTag : null);
        }

        writer.PopSequence();
        writer.PopConstructed();
        writer.Dispose();
    }

    public static (string Producer, List<SessionCapability> Capabilities) ReadHeader(ReadOnlySpan<byte> element, long offset) =>
        ReadHeader(element, offset, MigrationStreamFormat.FormatVersion, out _);

    /// <summary>Reads the stream header, accepting format versions from <paramref name="oldestVersion"/> to the current one.</summary>
    public static (string Producer, List<SessionCapability> Capabilities) ReadHeader(
        ReadOnlySpan<byte> element,
        long offset,
        int oldestVersion,
        out int formatVersion)
    {
        var parser = new MessageParser(element, offset, "the stream header");
        if (parser.MessageTag != MigrationStreamFormat.HeaderTag)
        {
            throw parser.Unexpected($"the stream header {MigrationStreamFormat.HeaderTag}");
        }

        long version = parser.ReadInteger("the format version", 1, int.MaxValue);
        if (version < oldestVersion || version > MigrationStreamFormat.FormatVersion)
        {
            string supported = oldestVersion == MigrationStreamFormat.FormatVersion
                ? $"version {MigrationStreamFormat.FormatVersion}"
                : $"versions {oldestVersion} to {MigrationStreamFormat.FormatVersion}";
            throw new MigrationFormatException(
                MigrationErrorKind.UnsupportedVersion,
                $"The stream's format version is {version}; this side supports {supported}.",
                offset);
        }

        formatVersion = (int)version;

        string producer = parser.ReadString("the producer");
        parser.Enter("the capabilities");
        var capabilities = new List<SessionCapability>();
        while (parser.HasMore())
        {
            bool required = parser.PeekTag() == MigrationStreamFormat.RequiredCapabilityTag;
            string name = required
                ? parser.ReadString("a required capability", MigrationStreamFormat.RequiredCapabilityTag)
                : parser.ReadString("a capability");
            if (name.Length == 0)
            {
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, "A capability has an empty name.", offset);
            }

            capabilities.Add(new SessionCapability(name, required));
        }

        parser.Exit("the capabilities");
        parser.End();
        return (producer, capabilities);
    }

    public static void WriteOffer(MessageWriter output, bool returnPath, IReadOnlyList<DeviceOffer> devices)
    {
        var writer = new BerWriter(output);
        writer.PushConstructed(SessionFormat.OfferTag);
        writer.WriteBoolean(returnPath);
        writer.PushSequence();
        foreach (DeviceOffer device in devices)
        {
            writer.PushSequence();
            writer.WriteUtf8String(device.Id);
            writer.WriteInteger((long)device.InstanceId);
            writer.WriteInteger((long)device.MinVersion);
            writer.WriteInteger((long)device.MaxVersion);
            writer.WriteBoolean(device.Iterative);
            writer.WriteBoolean(device.SwitchoverAck);
            device.Configuration?.Write(ref writer);
            writer.PopSequence();
        }

        writer.PopSequence();
        writer.PopConstructed();
        writer.Dispose();
    }

    public static (bool ReturnPath, List<DeviceOffer> Devices) ReadOffer(ReadOnlySpan<byte> element, long offset, int maxDevices)
    {
        var parser = new MessageParser(element, offset, "the offer");
        bool returnPath = parser.ReadBoolean("whether a return path is open");
        parser.Enter("the devices");
        var devices = new List<DeviceOffer>();
        while (parser.HasMore())
        {
            if (devices.Count == maxDevices)
            {
                throw new MigrationFormatException(MigrationErrorKind.LimitExceeded, $"The offer lists more than {maxDevices} devices.", offset);
            }

            parser.Enter("a device");
            string id = parser.ReadString("the device id");
            if (id.Length is 0 or > 255)
            {
                throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, "A device id has 1 to 255 characters.", offset);
            }

            uint instance = (uint)parser.ReadInteger("the instance id", 0, uint.MaxValue);
            int min = (int)parser.ReadInteger("the oldest version", 1, int.MaxValue);
            int max = (int)parser.ReadInteger("the newest version", 1, int.MaxValue);
            bool iterative = parser.ReadBoolean("whether it sends pre-copy data");
            bool ack = parser.ReadBoolean("whether it supports the switchover acknowledgement");
            ConfigurationRecord? configuration = null;
            if (parser.HasMore() && parser.PeekTag() == MigrationStreamFormat.ConfigurationTag)
            {
                ReadOnlySpan<byte> encoding = parser.ReadEncoded("the device's configuration", MigrationStreamFormat.ConfigurationTag, out long at);
                try
                {
                    configuration = ConfigurationRecord.Decode(encoding);
                }
                catch (MigrationFormatException exception)
                {
                    throw exception.WithBaseOffset(at);
                }
            }

            parser.Exit("a device");
            devices.Add(new DeviceOffer(id, instance, min, max, iterative, ack) { Configuration = configuration });
        }

        parser.Exit("the devices");
        parser.End();
        return (returnPath, devices);
    }

    public static void WriteAnswer(MessageWriter output, SessionAnswer answer)
    {
        var writer = new BerWriter(output);
        writer.PushConstructed(SessionFormat.AnswerTag);
        writer.PushSequence();
        foreach (string capability in answer.Capabilities)
        {
            writer.WriteUtf8String(capability);
        }

        writer.PopSequence();
        writer.PushSequence();
        foreach (DeviceDecision device in answer.Devices)
        {
            if (device.Accepted)
            {
                writer.PushConstructed(AcceptedTag);
                writer.WriteInteger((long)device.Version);
                writer.WriteBoolean(device.SwitchoverAck);
                writer.PopConstructed();
            }
            else
            {
                writer.WriteUtf8String(device.Refusal ?? "refused", RefusedTag);
            }
        }

        writer.PopSequence();
        writer.PushSequence();
        foreach (string refusal in answer.Refusals)
        {
            writer.WriteUtf8String(refusal);
        }

        writer.PopSequence();
        writer.PopConstructed();
        writer.Dispose();
    }

    public static SessionAnswer ReadAnswer(ReadOnlySpan<byte> element, long offset)
    {
        var parser = new MessageParser(element, offset, "the answer");
        var capabilities = new List<string>();
        parser.Enter("the capabilities");
        while (parser.HasMore())
        {
            capabilities.Add(parser.ReadString("a capability"));
        }

        parser.Exit("the capabilities");
        var devices = new List<DeviceDecision>();
        parser.Enter("the device decisions");
        while (parser.HasMore())
        {
            if (parser.PeekTag() == RefusedTag)
            {
                devices.Add(DeviceDecision.Refuse(parser.ReadString("a refusal", RefusedTag)));
                continue;
            }

            parser.Enter("an acceptance", AcceptedTag);
            int version = (int)parser.ReadInteger("the version to save", 1, int.MaxValue);
            bool ack = parser.ReadBoolean("whether the switchover acknowledgement is used");
            parser.Exit("an acceptance");
            devices.Add(DeviceDecision.Accept(version, ack));
        }

        parser.Exit("the device decisions");
        var refusals = new List<string>();
        parser.Enter("the refusals");
        while (parser.HasMore())
        {
            refusals.Add(parser.ReadString("a refusal"));
        }

        parser.Exit("the refusals");
        parser.End();
        return new SessionAnswer(capabilities, devices, refusals);
    }

    /// <summary>Writes a message that holds one INTEGER (device acknowledgements, initial-data marks, pings, pongs, commits).</summary>
    public static void WriteInteger(MessageWriter output, BerTag tag, long value)
    {
        var writer = new BerWriter(output);
        writer.PushConstructed(tag);
        writer.WriteInteger(value);
        writer.PopConstructed();
        writer.Dispose();
    }

    public static long ReadInteger(ReadOnlySpan<byte> element, long offset, string message, string what, long max)
    {
        var parser = new MessageParser(element, offset, message);
        long value = parser.ReadInteger(what, 0, max);
        parser.End();
        return value;
    }

    /// <summary>Writes a message with no contents (switchover, switchover acknowledgement).</summary>
    public static void WriteEmpty(MessageWriter output, BerTag tag)
    {
        var writer = new BerWriter(output);
        writer.PushConstructed(tag);
        writer.PopConstructed();
        writer.Dispose();
    }

    public static void ReadEmpty(ReadOnlySpan<byte> element, long offset, string message) => new MessageParser(element, offset, message).End();

    /// <summary>Writes an error (return path) or an abort (source).</summary>
    public static void WriteFailure(MessageWriter output, BerTag tag, SessionPhase phase, string reason, string? device)
    {
        var writer = new BerWriter(output);
        writer.PushConstructed(tag);
        writer.WriteUtf8String(MigrationSessionException.PhaseName(phase));
        writer.WriteUtf8String(Truncate(reason));
        if (device is not null)
        {
            writer.WriteUtf8String(device, DeviceTag);
        }

        writer.PopConstructed();
        writer.Dispose();
    }

    public static PeerFailure ReadFailure(ReadOnlySpan<byte> element, long offset, string message)
    {
        var parser = new MessageParser(element, offset, message);
        string phase = parser.ReadString("the phase");
        string reason = parser.ReadString("the reason");
        string? device = parser.HasMore() && parser.PeekTag() == DeviceTag ? parser.ReadString("the device", DeviceTag) : null;
        parser.End();
        return new PeerFailure(phase, reason, device);
    }

    public static void WriteRoundEnd(MessageWriter output, RoundFigures figures)
    {
        var writer = new BerWriter(output);
        writer.PushConstructed(SessionFormat.RoundEndTag);
        writer.WriteInteger((long)figures.Round);
        writer.WriteInteger(figures.Bytes);
        writer.WriteInteger(figures.PendingInitial);
        writer.WriteInteger(figures.PendingDirty);
        writer.PopConstructed();
        writer.Dispose();
    }

    public static RoundFigures ReadRoundEnd(ReadOnlySpan<byte> element, long offset)
    {
        var parser = new MessageParser(element, offset, "a round end");
        int round = (int)parser.ReadInteger("the round", 1, int.MaxValue);
        long bytes = parser.ReadInteger("the round's bytes", 0, long.MaxValue);
        long initial = parser.ReadInteger("the pending initial bytes", 0, long.MaxValue);
        long dirty = parser.ReadInteger("the pending dirty bytes", 0, long.MaxValue);
        parser.End();
        return new RoundFigures(round, bytes, initial, dirty);
    }

    /// <summary>
    /// Writes the header of a device-data message in front of <paramref name="dataLength"/> bytes already placed at
    /// <see cref="DataHeaderLength"/> in <paramref name="span"/>: fixed 4-octet lengths (BER allows long forms longer
    /// than needed), so the header's size is known before the data is.
    /// </summary>
    public static void WriteDataHeader(Span<byte> span, int device, int dataLength)
    {
        int integerLength = IntegerLength(device);
        int contentLength = 2 + integerLength + 6 + dataLength;
        span[0] = Identifier(SessionFormat.DeviceDataTag);
        span[1] = 0x84;
        BinaryPrimitives.WriteInt32BigEndian(span.Slice(2), contentLength);
        span[6] = 0x02;
        span[7] = (byte)integerLength;
        BerEncoder.WriteIntegerContent(span.Slice(8, integerLength), device);
        int at = 8 + integerLength;
        span[at] = 0x04;
        span[at + 1] = 0x84;
        BinaryPrimitives.WriteInt32BigEndian(span.Slice(at + 2), dataLength);
    }

    /// <summary>Gets the length of a device-data header for <paramref name="device"/>.</summary>
    public static int DataHeaderLength(int device) => 1 + 5 + 2 + IntegerLength(device) + 1 + 5;

    /// <summary>
    /// Reads a device-data message's device index and locates its data from the first bytes of the message
    /// (<paramref name="element"/>, at least the few before the data), the message being <paramref name="total"/> bytes.
    /// </summary>
    public static int ReadDataHeader(ReadOnlySequence<byte> element, int headerLength, long total, long offset, out long dataStart, out long dataLength)
    {
        Span<byte> prefix = stackalloc byte[MaxDataHeaderLength + 8];
        int have = (int)Math.Min(element.Length, prefix.Length);
        element.Slice(0, have).CopyTo(prefix);
        prefix = prefix.Slice(0, have);
        int at = headerLength;
        if (BerDecoder.TryReadHeader(prefix.Slice(at), out BerTag tag, out long length, out int integerHeader) != BerDecodeStatus.Done
            || tag != BerTag.Integer || length is < 1 or > 5 || at + integerHeader + length > have)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                "In device data: expected the device as an INTEGER of at most 5 octets.",
                offset + at);
        }

        at += integerHeader;
        BerDecodeStatus status = BerDecoder.TryDecodeInt64(prefix.Slice(at, (int)length), out long device);
        if (status != BerDecodeStatus.Done || device is < 0 or > int.MaxValue)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                $"In device data: the device index is not a valid INTEGER from 0 to {int.MaxValue} ({status}).",
                offset + at);
        }

        at += (int)length;
        status = BerDecoder.TryReadHeader(prefix.Slice(at), out tag, out length, out int dataHeader);
        if (status != BerDecodeStatus.Done || tag != BerTag.OctetString || length < 0)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                "In device data: expected the data as a primitive OCTET STRING of definite length.",
                offset + at);
        }

        at += dataHeader;
        if (at + length != total)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.InvalidEncoding,
                $"In device data: the data's length {length} does not end the message ({total - at} octets remain).",
                offset + at);
        }

        dataStart = at;
        dataLength = length;
        return (int)device;
    }

    private static byte Identifier(BerTag tag) => (byte)(((int)tag.TagClass << 6) | (tag.IsConstructed ? 0x20 : 0) | (int)tag.TagNumber);

    private static int IntegerLength(int value) => BerEncoder.GetIntegerLength((long)value);

    private static string Truncate(string text) => text.Length <= 4096 ? text : text[..4096];
}
