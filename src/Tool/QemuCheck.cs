using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using MigrationFormat.Qemu;

namespace MigrationFormat.Tool;

/// <summary><c>migfmt check</c> on two QEMU <c>-dump-vmstate</c> files: the legacy wire's rules (<see cref="VmStateChecker"/>).</summary>
internal static class QemuCheck
{
    public static int Run(byte[] sourceBytes, byte[] destinationBytes, bool json, string[] arrayCountFiles, TextWriter stdout)
    {
        VmStateDump source = VmStateDump.Parse(sourceBytes);
        VmStateDump destination = VmStateDump.Parse(destinationBytes);
        foreach (string file in arrayCountFiles)
        {
            var counts = VmStateDump.ReadArrayCounts(File.ReadAllBytes(file));
            source = source.WithArrayCounts(counts);
            destination = destination.WithArrayCounts(counts);
        }

        VmStateCheckReport report = VmStateChecker.Check(source, destination);
        if (json)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                report.WriteJson(writer);
            }

            stdout.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        }
        else
        {
            foreach (VmStateFinding finding in report.Findings)
            {
                stdout.WriteLine(VmStateCheckReport.Name(finding.Severity) + ": " + finding);
            }

            int broken = 0, conditional = 0;
            foreach (VmStateDeviceResult device in report.Devices)
            {
                broken += device.Verdict == VmStateVerdict.Incompatible ? 1 : 0;
                conditional += device.Verdict == VmStateVerdict.Conditional ? 1 : 0;
            }

            stdout.WriteLine(report.Verdict switch
            {
                VmStateVerdict.Compatible => "compatible",
                VmStateVerdict.Conditional => string.Create(CultureInfo.InvariantCulture,
                    $"compatible only if the conditional parts are not sent: {conditional} device type(s)"),
                _ => string.Create(CultureInfo.InvariantCulture, $"not compatible: {broken} device type(s) incompatible, {conditional} conditional"),
            });
        }

        return report.Verdict switch
        {
            VmStateVerdict.Compatible => Program.ExitOk,
            VmStateVerdict.Conditional => Program.ExitConditional,
            _ => Program.ExitIncompatible,
        };
    }
}
