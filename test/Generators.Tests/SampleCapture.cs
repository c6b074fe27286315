using System.Buffers;
using System.Globalization;
using System.Text;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Testing;
using MigrationFormat.Visitors;

namespace MigrationFormat.Generators.Tests;

/// <summary>
/// What a sample device saves and describes, as text that can be committed and compared: the BER and legacy bytes of
/// several states at every version, and its schema documents (migfmt, JSON Schema, QEMU vmstate JSON) at every
/// version. HandWrittenSamples/ holds this text as the hand-written samples produced it, before they were declared
/// with attributes.
/// </summary>
internal static class SampleCapture
{
    /// <summary>The states captured: reset values, <see cref="SampleCatalog.CreateBusy"/>, and seeded random states.</summary>
    public static IReadOnlyList<string> States { get; } = ["default", "busy", "random-1", "random-2", "random-3", "random-4"];

    /// <summary>Creates the device of <paramref name="type"/> in the named <paramref name="state"/>.</summary>
    public static IDeviceState Create(DeviceType type, int version, string state)
    {
        if (state == "busy")
        {
            return SampleCatalog.CreateBusy(type, version);
        }

        IDeviceState device = type.Create(version);
        if (state.StartsWith("random-", StringComparison.Ordinal))
        {
            RandomStateVisitor.Randomize(device, int.Parse(state["random-".Length..], CultureInfo.InvariantCulture));
        }

        return device;
    }

    /// <summary>One line per (encoding, state, version): <c>ber busy v2 30...</c>, hex in upper case.</summary>
    public static string Bytes(DeviceType type)
    {
        var text = new StringBuilder();
        for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
        {
            foreach (string state in States)
            {
                byte[] ber = SaveBer(Create(type, version, state));
                byte[] legacy = LegacyDeviceSerializer.Save(Create(type, version, state));
                text.Append(CultureInfo.InvariantCulture, $"ber {state} v{version} {Convert.ToHexString(ber)}\n");
                text.Append(CultureInfo.InvariantCulture, $"legacy {state} v{version} {Convert.ToHexString(legacy)}\n");
            }
        }

        return text.ToString();
    }

    /// <summary>The schema documents of every version, by file name (<c>serial.v1.migfmt.json</c>, <c>.json-schema.json</c>, <c>.vmstate.json</c>).</summary>
    public static IEnumerable<(string FileName, string Text)> Schemas(DeviceType type)
    {
        for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
        {
            DeviceSchema schema = DeviceSchema.For(type, version);
            string prefix = string.Create(CultureInfo.InvariantCulture, $"{type.Id}.v{version}");
            yield return ($"{prefix}.migfmt.json", Text(SchemaDocument.ToUtf8(schema, indented: true)));
            yield return ($"{prefix}.json-schema.json", Text(JsonSchemaExporter.ToUtf8(schema, indented: true)));
            yield return ($"{prefix}.vmstate.json", Text(VmStateJson.Export(schema, indented: true)));
        }
    }

    public static byte[] SaveBer(IDeviceState device)
    {
        var output = new ArrayBufferWriter<byte>();
        BerDeviceSerializer.Save(device, output);
        return output.WrittenSpan.ToArray();
    }

    private static string Text(byte[] utf8) => Encoding.UTF8.GetString(utf8).ReplaceLineEndings("\n") + "\n";
}
