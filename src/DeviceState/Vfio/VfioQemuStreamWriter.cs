using System;
using System.Buffers;
using System.IO;
using MigrationFormat.Qemu;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// Writes a QEMU-style migration stream carrying one VFIO device, the way QEMU lays it out: the <c>QEVM</c> header,
/// <c>SECTION_START</c> with the setup part, one <c>SECTION_PART</c> per pre-copy round, <c>SECTION_END</c> with the
/// stop-copy data, each followed by its footer, then <c>EOF</c>. The device's bytes are framed by
/// <see cref="VfioQemuFraming"/>; each part is written out before the next is read from the device.
/// </summary>
public sealed class VfioQemuStreamWriter : IDisposable
{
    /// <summary>The id string QEMU gives a VFIO PCI device's migration section at <c>0000:00:05.0</c>.</summary>
    public const string DefaultIdStr = "0000:00:05.0/vfio";

    private readonly Stream _output;
    private readonly QemuStreamWriter _writer;
    private readonly ArrayBufferWriter<byte> _part = new();
    private readonly VfioQemuFraming _framing;
    private readonly uint _sectionId;
    private readonly string _idStr;
    private bool _started;

    /// <summary>Creates a writer.</summary>
    /// <param name="output">Where the stream goes; not closed by <see cref="Dispose"/>.</param>
    /// <param name="framing">The framing (switchover acknowledgement, block size).</param>
    /// <param name="sectionId">The section id.</param>
    /// <param name="idStr">The section's id string.</param>
    public VfioQemuStreamWriter(Stream output, VfioQemuFraming framing, uint sectionId = 2, string idStr = DefaultIdStr)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(framing);
        _output = output;
        _writer = new QemuStreamWriter(output, leaveOpen: true);
        _framing = framing;
        _sectionId = sectionId;
        _idStr = idStr;
    }

    /// <summary>Writes the header and the setup section.</summary>
    public void WriteSetup()
    {
        if (_started)
        {
            throw new InvalidOperationException("The setup section has been written already.");
        }

        _started = true;
        _writer.WriteHeader();
        _part.Clear();
        VfioQemuFraming.WriteSetup(_part);
        _writer.WriteSection(QemuSectionRecord.CreateStart(_sectionId, _idStr, 0, 1, _part.WrittenMemory.ToArray()));
        _writer.WriteFooter(_sectionId);
    }

    /// <summary>Writes one pre-copy round as a <c>SECTION_PART</c>.</summary>
    /// <param name="channel">The device's source side.</param>
    /// <returns>The number of device bytes in the round.</returns>
    public int WriteRound(VfioSaveChannel channel)
    {
        EnsureStarted();
        _part.Clear();
        int written = _framing.WriteIteration(_part, channel);
        _writer.WriteSection(QemuSectionRecord.CreatePartOrEnd(false, _sectionId, _part.WrittenMemory.ToArray()));
        _writer.WriteFooter(_sectionId);
        return written;
    }

    /// <summary>
    /// Stops the device and writes its remaining data as the <c>SECTION_END</c>, one block at a time straight to the
    /// output (the stop-copy data may be large), then ends the stream.
    /// </summary>
    /// <param name="channel">The device's source side.</param>
    /// <returns>The number of device bytes in the final part.</returns>
    public long WriteCompletion(VfioSaveChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        EnsureStarted();
        if (channel.Device.State != VfioDeviceState.StopCopy)
        {
            channel.StopAndCopy();
        }

        _writer.WriteSectionPartOrEnd(true, _sectionId);
        _writer.Flush();
        long written = 0;
        while (true)
        {
            _part.Clear();
            int block = _framing.WriteBlock(_part, channel);
            if (block == 0)
            {
                break;
            }

            written += block;
            _output.Write(_part.WrittenSpan);
        }

        _part.Clear();
        VfioQemuFraming.WriteEndOfState(_part);
        _output.Write(_part.WrittenSpan);
        _writer.WriteFooter(_sectionId);
        _writer.WriteEndOfFile();
        _writer.Flush();
        return written;
    }

    /// <summary>Flushes what is buffered.</summary>
    public void Dispose() => _writer.Dispose();

    private void EnsureStarted()
    {
        if (!_started)
        {
            throw new InvalidOperationException("Write the setup section first.");
        }
    }
}
