using System.Diagnostics;
using MigrationFormat.Schema;
using MigrationFormat.Schema.Asn1;
using MigrationFormat.Visitors;

namespace MigrationFormat.Asn1.Tests;

/// <summary>What a run of the generated decoder gave.</summary>
internal sealed record DecodeResult(int ExitCode, string Xer, string Errors);

/// <summary>
/// A decoder that asn1c generates from the framing module and the device modules of <paramref name="types"/>, and
/// gcc builds with asn1c's converter-sample (<c>-DASN_PDU_COLLECTION</c>, so one binary decodes any of the modules'
/// types, chosen with <c>-p</c>). Built once per test run by the fixture that owns it.
/// </summary>
internal sealed class Asn1Decoder : IDisposable
{
    private const string InstallHint = "asn1c and gcc are required by the ASN.1 interop tests: apt-get install -y asn1c gcc libc6-dev (.ci/run does this).";

    private readonly string _binary;

    public Asn1Decoder(string name, IEnumerable<DeviceType> types, Func<Asn1Decoder, Asn1StreamModule>? streamModule = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), $"migfmt-asn1-{name}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        string modules = Path.Combine(Directory, "modules");
        string generated = Path.Combine(Directory, "generated");
        System.IO.Directory.CreateDirectory(modules);
        System.IO.Directory.CreateDirectory(generated);

        var files = new List<string> { Write(modules, Asn1FramingModule.ModuleName, Asn1FramingModule.Text) };
        foreach (DeviceType type in types)
        {
            foreach (DeviceSchema schema in DeviceSchema.AllVersions(type))
            {
                var module = Asn1DeviceModule.Create(schema);
                Modules[(type.Id, schema.Version)] = module;
                files.Add(Write(modules, module.ModuleName, module.Text));
            }
        }

        if (streamModule is not null)
        {
            StreamModule = streamModule(this);
            files.Add(Write(modules, StreamModule.ModuleName, StreamModule.Text));
        }

        // -fwide-types: INTEGER as arbitrary precision, so 64-bit fields decode whole; -pdu=all: every type is a PDU.
        Run(generated, "asn1c", ["-fcompound-names", "-fwide-types", "-pdu=all", .. files]);
        string[] sources = System.IO.Directory.GetFiles(generated, "*.c");
        _binary = Path.Combine(Directory, "decoder");
        Run(generated, "gcc", ["-O1", "-w", "-I.", "-DASN_PDU_COLLECTION", "-DPDU=MigrationStream", "-o", _binary, .. sources]);
    }

    /// <summary>Gets the directory holding the modules, the generated C and the decoder.</summary>
    public string Directory { get; }

    /// <summary>Gets the generated modules by device id and version.</summary>
    public Dictionary<(string Id, int Version), Asn1DeviceModule> Modules { get; } = [];

    /// <summary>Gets the module of a whole stream of several devices, when one was compiled in.</summary>
    public Asn1StreamModule? StreamModule { get; }

    /// <summary>Decodes <paramref name="stream"/> as <paramref name="pdu"/> with constraint checks, and prints it as XER.</summary>
    public DecodeResult Decode(string pdu, byte[] stream)
    {
        string input = Path.Combine(Directory, $"in-{Guid.NewGuid():N}.ber");
        File.WriteAllBytes(input, stream);
        try
        {
            (int code, string output, string errors) = Execute(Directory, _binary, ["-p", pdu, "-c", "-iber", "-oxer", input]);
            return new DecodeResult(code, output, errors);
        }
        finally
        {
            File.Delete(input);
        }
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private static string Write(string directory, string moduleName, string text)
    {
        string file = Path.Combine(directory, moduleName + ".asn1");
        File.WriteAllText(file, text);
        return file;
    }

    private static void Run(string directory, string program, IEnumerable<string> args)
    {
        (int code, string output, string errors) = Execute(directory, program, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"{program} failed with exit code {code}:\n{errors}\n{output}");
        }
    }

    private static (int Code, string Output, string Errors) Execute(string directory, string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{program}'.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"'{program}' is not installed. {InstallHint}", ex);
        }

        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"'{program}' did not finish in 120 s.");
            }

            return (process.ExitCode, output.Result, errors.Result);
        }
    }
}

/// <summary>The decoder of the sample devices' modules, built once for every test that uses it.</summary>
public sealed class SampleDecoderFixture : IDisposable
{
    /// <summary>The sections of the machine stream the decoder also reads: every sample at its newest version, then a second UART at version 1.</summary>
    internal static readonly (string Id, int Version)[] MachineSections =
        [("serial", 3), ("mc146818rtc", 3), ("virtio-net", 3), ("vhost-user-backend", 3), ("serial", 1)];

    internal Asn1Decoder Decoder { get; } = new(
        "samples",
        MigrationFormat.Samples.SampleCatalog.DeviceTypes,
        decoder => Asn1StreamModule.Create("Machine", [.. MachineSections.Select(section => decoder.Modules[section])]));

    public void Dispose() => Decoder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SampleDecoderGroup : ICollectionFixture<SampleDecoderFixture>
{
    public const string Name = "asn1c decoder of the sample devices";
}

/// <summary>The decoder of the QEMU device models' modules (samples/Qemu), built once for every test that uses it.</summary>
public sealed class QemuDecoderFixture : IDisposable
{
    internal Asn1Decoder Decoder { get; } = new("qemu", MigrationFormat.Samples.Qemu.QemuDeviceCatalog.DeviceTypes);

    public void Dispose() => Decoder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class QemuDecoderGroup : ICollectionFixture<QemuDecoderFixture>
{
    public const string Name = "asn1c decoder of the QEMU device models";
}
