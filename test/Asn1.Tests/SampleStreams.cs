using System.Buffers;
using System.Text.Json.Nodes;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Tool;
using MigrationFormat.Visitors;

namespace MigrationFormat.Asn1.Tests;

/// <summary>What <c>migfmt load</c> printed: the loaded state as JSON, and the load report.</summary>
internal sealed record LoadOutput(int ExitCode, JsonObject? State, string Report);

/// <summary>The streams the tests decode, and <c>migfmt load</c> run on them.</summary>
internal static class SampleStreams
{
    /// <summary>Every sample device and version, with and without embedded schemas and checksums.</summary>
    public static TheoryData<string, int, bool, bool> EveryVariant()
    {
        var data = new TheoryData<string, int, bool, bool>();
        foreach (DeviceType type in SampleCatalog.DeviceTypes)
        {
            for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
            {
                foreach (bool schemas in new[] { true, false })
                {
                    foreach (bool checksums in new[] { false, true })
                    {
                        data.Add(type.Id, version, schemas, checksums);
                    }
                }
            }
        }

        return data;
    }

    public static DeviceType Type(string id) => SampleCatalog.DeviceTypes.Single(type => type.Id == id);

    /// <summary>Saves the sample device's busy state (every field away from its default) as a stream of one section.</summary>
    public static byte[] Save(string id, int version, bool schemas, bool checksums)
    {
        IDeviceState device = SampleCatalog.CreateBusy(Type(id), version);
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output, new MigrationStreamWriterOptions { Producer = "migfmt", Integrity = checksums }))
        {
            if (schemas)
            {
                SchemaEmbedding.WriteSchemas(writer, [device]);
            }

            writer.WriteDevice(device);
            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Runs <c>migfmt load --device ID --version N FILE</c> in-process.</summary>
    public static LoadOutput Load(string id, int version, byte[] stream)
    {
        string file = Path.Combine(Path.GetTempPath(), $"migfmt-asn1-load-{Guid.NewGuid():N}.mig");
        File.WriteAllBytes(file, stream);
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            string versionText = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            int code = Program.Run(["load", "--device", id, "--version", versionText, file], stdout, stderr);
            return new LoadOutput(code, code == 0 ? JsonNode.Parse(stdout.ToString())!.AsObject() : null, stderr.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
