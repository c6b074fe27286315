using System.Collections.Generic;
using System.Globalization;
using System.IO;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Tool.Commands;
using MigrationFormat.Tool.Devices;
using MigrationFormat.Tool.Walking;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool;

/// <summary><c>migfmt demo</c>: a deterministic tour of the BER stream and of cross-version loads.</summary>
internal static class Demo
{
    public static int Run(TextWriter output)
    {
        var devices = new List<IDeviceState>();
        foreach (DeviceType type in ToolSamples.Types)
        {
            devices.Add(ToolSamples.CreateBusy(type, type.CurrentVersion));
        }

        byte[] stream = Program.SaveStream(devices);

        output.WriteLine("== 1. Save: the sample devices' busy states in one BER migration stream");
        int withoutSchemas = Program.SaveStream(devices, embedSchemas: false).Length;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"stream size: {stream.Length} bytes, {devices.Count} device section(s); the embedded schemas cost {stream.Length - withoutSchemas} bytes"));
        using (var walker = new StreamWalker(new MemoryStream(stream, writable: false), DeviceSet.Samples.SchemaOf))
        {
            while (walker.Read())
            {
                WalkToken token = walker.Current;
                if (token.Role == WalkRole.Section && token.Kind == WalkTokenKind.End)
                {
                    output.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"  section {token.Section!.Label}: {token.EndOffset - token.Offset} bytes at offset {token.Offset}"));
                }
            }
        }

        output.WriteLine();
        output.WriteLine("== 1b. Legacy vs BER: each sample's state as a QEMU VMState payload and as a BER state value");
        foreach (IDeviceState device in devices)
        {
            long legacy = LegacyDeviceSerializer.Save(device).LongLength;
            var ber = new System.Buffers.ArrayBufferWriter<byte>();
            BerDeviceSerializer.Save(device, ber);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {device.Type.Id} v{device.Version}: legacy {legacy} bytes, BER {ber.WrittenCount} bytes"));
        }

        output.WriteLine();
        output.WriteLine("== 2. Dump: the stream as a BER tree (offset, tag, must-parse/skippable, length, field)");
        using (var walker = new StreamWalker(new MemoryStream(stream, writable: false), DeviceSet.Samples.SchemaOf))
        {
            DumpCommand.WriteText(walker, output, new FailureLog());
        }

        output.WriteLine();
        output.WriteLine("== 3. Newer to older: UART v2 stream loaded by v1 (tx_count is skippable)");
        byte[] v2 = Program.SaveStream([ToolSamples.CreateBusy(Uart16550.DeviceType, 2)]);
        var v1 = new Uart16550(1);
        using (var reader = new MigrationStreamReader(v2))
        {
            reader.TryReadSection(out _);
            reader.FieldNames = SchemaFieldNames.FromEmbedded(reader.Schemas);
            LoadReport report = reader.LoadSection(v1);
            output.WriteLine("load succeeded");
            Program.WriteReport(output, [.. report.SkippedFields], [.. report.DefaultedFields]);
            output.WriteLine("  (v1 does not have the field; the stream's embedded v2 schema names it)");
        }

        output.WriteLine("loaded state:");
        output.WriteLine(Program.StateJson(v1));

        output.WriteLine();
        output.WriteLine("== 4. Newer to older: UART v3 stream loaded by v2 (fifo_trigger_level is must-parse)");
        byte[] v3 = Program.SaveStream([ToolSamples.CreateBusy(Uart16550.DeviceType, 3)]);
        var v2Device = new Uart16550(2);
        using (var reader = new MigrationStreamReader(v3))
        {
            reader.TryReadSection(out _);
            reader.FieldNames = SchemaFieldNames.FromEmbedded(reader.Schemas);
            try
            {
                reader.LoadSection(v2Device);
                output.WriteLine("load unexpectedly succeeded");
                return Program.ExitBadInput;
            }
            catch (MigrationFormatException ex)
            {
                output.WriteLine("load failed, as it must:");
                output.WriteLine("  " + ex.Message);
                output.WriteLine("the destination device is unchanged (still at its defaults).");
            }
        }

        return Program.ExitOk;
    }
}
