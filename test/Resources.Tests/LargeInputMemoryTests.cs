using System.Globalization;
using MigrationFormat.Qemu;
using MigrationFormat.Tests.Shared;
using Xunit;

namespace MigrationFormat.Resources.Tests;

/// <summary>
/// Every verb that reads a stream, on an input of 64 MiB, run as a child process under a GC heap limit of 64 MiB plus 4
/// times the input: it ends with the exit code its input calls for, within 30 s, and its peak resident memory stays within
/// 64 MiB plus 4 times the input (issue 15's bound at its largest size). The inputs: a valid QEMU stream of RAM pages (the
/// QEMU verbs) and its BER transcoding (the BER verbs), which every verb reads to the end; class 1's stream of 3.9 million
/// empty sections (<c>load</c>, <c>convert</c>), which ran <c>load</c> out of memory before the entries of its result
/// were charged to the budget; class 4's stream of 405,000 small described device sections, which made every QEMU verb but
/// <c>load</c> run out of memory before their headers were charged; and a document of arrays nested 32 Mi deep
/// (<c>check</c>), which ran out of memory while its two copies were read through a doubling buffer.
/// </summary>
public sealed class LargeInputMemoryTests : IClassFixture<LargeInputMemoryTests.Inputs>
{
    private const long Constant = 64L * 1024 * 1024;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Inputs _inputs;

    public LargeInputMemoryTests(Inputs inputs) => _inputs = inputs;

    [Theory]
    [InlineData("ram.mig", "dump", 0)]
    [InlineData("ram.mig", "dump --json", 0)]
    [InlineData("ram.mig", "decode", 0)]
    [InlineData("ram.mig", "verify", 0)]
    [InlineData("ram.mig", "diff", 0)]
    [InlineData("ram.mig", "load", 1)]
    [InlineData("ram.mig", "convert --to ber", 0)]
    [InlineData("ram.ber", "dump", 0)]
    [InlineData("ram.ber", "dump --json", 0)]
    [InlineData("ram.ber", "dump --schemas", 0)]
    [InlineData("ram.ber", "decode", 0)]
    [InlineData("ram.ber", "verify", 0)]
    [InlineData("ram.ber", "diff", 0)]
    [InlineData("ram.ber", "load", 1)]
    [InlineData("ram.ber", "convert --to legacy", 0)]
    [InlineData("empty-sections.ber", "load", 1)]
    [InlineData("empty-sections.ber", "convert --to legacy", 1)]
    [InlineData("many-devices.mig", "dump", 1)]
    [InlineData("many-devices.mig", "dump --json", 1)]
    [InlineData("many-devices.mig", "decode", 1)]
    [InlineData("many-devices.mig", "verify", 1)]
    [InlineData("many-devices.mig", "diff", 1)]
    [InlineData("many-devices.mig", "load", 1)]
    [InlineData("many-devices.mig", "convert --to ber", 1)]
    [InlineData("nested.json", "check", 1)]
    public void Verb_64MiBInput_EndsWithinTheMemoryCap(string input, string verb, int exitCode)
    {
        string file = _inputs.File(input);
        long size = new FileInfo(file).Length;
        string[] args = verb switch
        {
            "diff" or "check" => [verb, file, file],
            "load" => ["load", "--device", "serial", "--version", "3", file],
            "convert --to ber" or "convert --to legacy" => [.. verb.Split(' '), file, file + "." + verb[^3..]],
            _ => [.. verb.Split(' '), file],
        };
        long limit = Constant + (4 * size);

        MeasuredRun run = MeasuredRun.Of(limit, Timeout, args);

        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}, expected {exitCode}: {run.Stderr}");
        Assert.True(run.PeakBytes > 0, "no reading of the peak was taken");
        Assert.True(run.PeakBytes <= limit, $"peak {run.PeakBytes} bytes for {size} input bytes, more than {limit}");
    }

    /// <summary>The five inputs, made once for the class (none committed): each of 64 MiB, within 2%.</summary>
    public sealed class Inputs : IDisposable
    {
        private readonly TempFolder _folder = new();

        public Inputs()
        {
            // 16,352 pages of 4 KiB with their 8-byte headers, and the stream's few hundred other bytes.
            string ram = _folder.Write("ram.mig", HostileInputs.RamPages(16_352));
            using (FileStream source = System.IO.File.OpenRead(ram))
            using (FileStream ber = System.IO.File.Create(Path.Combine(_folder.Path, "ram.ber")))
            {
                QemuTranscoder.ToBer(source, ber);
            }

            // 17 bytes a section.
            _folder.Write("empty-sections.ber", HostileInputs.ManyEmptySections(3_947_580));

            // Each device: a 32-byte section and about 133 bytes of VM description.
            _folder.Write("many-devices.mig", HostileInputs.ManyDescribedDevices(405_000));
            _folder.Write("nested.json", [.. Enumerable.Repeat((byte)'[', 32 << 20), .. Enumerable.Repeat((byte)']', 32 << 20)]);
            foreach (string name in new[] { "ram.mig", "ram.ber", "empty-sections.ber", "many-devices.mig", "nested.json" })
            {
                long size = new FileInfo(File(name)).Length;
                if (Math.Abs(size - (64L << 20)) > (64L << 20) / 50)
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{name} is {size} bytes, not 64 MiB."));
                }
            }
        }

        public string File(string name) => Path.Combine(_folder.Path, name);

        public void Dispose() => _folder.Dispose();
    }
}
