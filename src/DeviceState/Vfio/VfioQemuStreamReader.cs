using System;
using System.Globalization;
using System.IO;
using System.Text;
using MigrationFormat.Qemu;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>What <see cref="VfioQemuStreamReader.Load"/> read.</summary>
/// <param name="IdStr">The VFIO section's id string.</param>
/// <param name="Parts">The number of section records (start, parts, end).</param>
/// <param name="DeviceBytes">The device bytes passed to the device.</param>
/// <param name="InitialDataSent">Whether the source marked its initial data complete.</param>
public sealed record VfioQemuLoadSummary(string IdStr, int Parts, long DeviceBytes, bool InitialDataSent);

/// <summary>
/// Loads a QEMU-style stream carrying one VFIO device (as <see cref="VfioQemuStreamWriter"/> writes it) into a device:
/// the header, then <c>SECTION_START</c>, <c>SECTION_PART</c>s and <c>SECTION_END</c> of one section, each delimited by
/// its VFIO framing and checked against its footer, then <c>EOF</c>. The device's bytes pass through in bounded pieces;
/// leaving RESUMING after the last section lets the device validate them.
/// </summary>
public static class VfioQemuStreamReader
{
    /// <summary>Loads the stream.</summary>
    /// <param name="input">The stream, at its magic.</param>
    /// <param name="channel">
    /// The device's destination side; <see cref="VfioLoadChannel.BeginLoad"/> and <see cref="VfioLoadChannel.FinishLoad"/> are called here.
    /// </param>
    /// <param name="frames">The framing reader (switchover acknowledgement, block limit).</param>
    /// <param name="onInitialDataSent">
    /// Called when the source marks its initial data complete (the destination would acknowledge), or <see langword="null"/>.
    /// </param>
    /// <returns>What was read.</returns>
    /// <exception cref="MigrationFormatException">The stream is malformed, cut short, or the device rejects its data.</exception>
    public static VfioQemuLoadSummary Load(Stream input, VfioLoadChannel channel, VfioQemuFrameReader frames, Action? onInitialDataSent = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(frames);
        var reader = new ExactReader(input);
        uint magic = reader.ReadUInt32BigEndian("the stream magic");
        if (magic != QemuStreamFormat.Magic)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue, string.Create(CultureInfo.InvariantCulture, $"Not a QEMU stream: magic 0x{magic:x8}."), 0);
        }

        uint version = reader.ReadUInt32BigEndian("the stream version");
        if (version != QemuStreamFormat.Version)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnsupportedVersion, string.Create(CultureInfo.InvariantCulture, $"Stream version {version}; 3 is supported."), 4);
        }

        uint? sectionId = null;
        string idStr = string.Empty;
        int parts = 0;
        bool ended = false;
        while (true)
        {
            long at = reader.Position;
            int type = reader.ReadByteOrEnd();
            if (type < 0)
            {
                throw new MigrationFormatException(MigrationErrorKind.Truncated, "The stream ended before its EOF record.", at);
            }

            if (type == QemuStreamFormat.EndOfFile)
            {
                if (!ended)
                {
                    throw new MigrationFormatException(
                        MigrationErrorKind.Truncated, "The stream ended (EOF record) before the VFIO section's SECTION_END.", at);
                }

                return new VfioQemuLoadSummary(idStr, parts, channel.BytesWritten, channel.InitialDataComplete);
            }

            if (ended || type is not (QemuStreamFormat.SectionStart or QemuStreamFormat.SectionPart or QemuStreamFormat.SectionEnd))
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"Unexpected record type 0x{type:x2} ({QemuStreamFormat.GetRecordTypeName((byte)type)}) in a VFIO stream."),
                    at);
            }

            uint id = reader.ReadUInt32BigEndian("the section id");
            if (type == QemuStreamFormat.SectionStart)
            {
                if (sectionId is not null)
                {
                    throw new MigrationFormatException(MigrationErrorKind.UnexpectedValue, "A second SECTION_START in a stream of one VFIO device.", at);
                }

                int length = reader.ReadByte("the id string length");
                byte[] name = new byte[length];
                reader.ReadExactly(name, "the id string");
                idStr = Encoding.UTF8.GetString(name);
                _ = reader.ReadUInt32BigEndian("the instance id");
                _ = reader.ReadUInt32BigEndian("the version id");
                sectionId = id;
                channel.BeginLoad();
            }
            else if (id != sectionId)
            {
                throw new MigrationFormatException(
                    MigrationErrorKind.UnexpectedValue,
                    "The record refers to section " + id.ToString(CultureInfo.InvariantCulture) + ", but the VFIO section is "
                    + (sectionId is { } open ? open.ToString(CultureInfo.InvariantCulture) : "not open") + ".",
                    at);
            }

            if (frames.ReadPart(reader, channel) == VfioFramePartEnd.InitialDataSent)
            {
                onInitialDataSent?.Invoke();
            }

            ReadFooter(reader, id);
            parts++;
            if (type == QemuStreamFormat.SectionEnd)
            {
                channel.FinishLoad();
                ended = true;
            }
        }
    }

    private static void ReadFooter(ExactReader reader, uint id)
    {
        long at = reader.Position;
        byte marker = reader.ReadByte("the section footer");
        uint footerId = reader.ReadUInt32BigEndian("the footer's section id");
        if (marker != QemuStreamFormat.SectionFooter || footerId != id)
        {
            throw new MigrationFormatException(
                MigrationErrorKind.UnexpectedValue,
                string.Create(CultureInfo.InvariantCulture, $"Expected the footer 0x7E for section {id}, found 0x{marker:x2} for section {footerId}."),
                at);
        }
    }
}
