using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MigrationFormat.Qemu;
using MigrationFormat.Tests.Shared;

namespace MigrationFormat.Benchmarks;

/// <summary>
/// The inputs of <see cref="GrowingInputBenchmarks"/>: every hostile class of docs/security.md (made by
/// test/Shared/HostileInputs.cs, the generator the resource tests use) and valid streams, each made to a chosen size and
/// written once to a temporary folder, which is deleted when the process ends.
/// </summary>
public static class GrowingInputs
{
    /// <summary>Bytes in a mebibyte: the benchmark sizes are 1, 8 and 64 MiB.</summary>
    public const int MiB = 1 << 20;

    /// <summary>BER migration streams (and transcoded ones): the hostile classes 1, 2, 3, 5 and 7, and two valid streams.</summary>
    public static readonly string[] Ber =
    [
        "1-many-sections", "1-many-empty-sections", "2-large-integer", "3-inflating-schemas", "5-empty-values", "7-transcoded-garbage", "7-transcoded-deep",
        "valid-skippable-values", "valid-transcoded-ram",
    ];

    /// <summary>
    /// QEMU savevm streams: class 4's inputs whose size follows their count, and a valid stream of RAM pages. (Class 4's
    /// third input, an absent device's declared array, stays a few hundred bytes at any count, so it cannot grow.)
    /// </summary>
    public static readonly string[] Qemu = ["4-described-elements", "4-many-described-devices", "valid-ram-pages"];

    /// <summary>Schema documents for <c>check</c>: JSON arrays nested as deep as the size allows.</summary>
    public static readonly string[] Documents = ["nested-json"];

    private static readonly object Gate = new();
    private static readonly Dictionary<(string Input, int MiB), string> Files = [];
    private static string? _folder;

    /// <summary>Gives the file of an input at a size, making it on first use.</summary>
    /// <param name="input">One of <see cref="Ber"/>, <see cref="Qemu"/> or <see cref="Documents"/>.</param>
    /// <param name="mebibytes">The size in MiB.</param>
    /// <returns>The file's path.</returns>
    public static string File(string input, int mebibytes)
    {
        lock (Gate)
        {
            if (!Files.TryGetValue((input, mebibytes), out string? path))
            {
                path = Path.Combine(Folder(), $"{input}-{mebibytes}MiB");
                System.IO.File.WriteAllBytes(path, Make(input, (long)mebibytes * MiB));
                Files.Add((input, mebibytes), path);
            }

            return path;
        }
    }

    /// <summary>
    /// Writes inputs at one size into a folder, one file each named after the input (<c>.mig</c> for QEMU streams, <c>.ber</c>
    /// for BER streams, <c>.json</c> for documents), and prints each name with its kind and size.
    /// </summary>
    /// <param name="folder">The folder (made when missing).</param>
    /// <param name="mebibytes">The size in MiB.</param>
    /// <param name="inputs">The inputs; none means all.</param>
    /// <returns>0, or 2 for an unknown input.</returns>
    public static int WriteAll(string folder, int mebibytes, string[] inputs)
    {
        Directory.CreateDirectory(folder);
        foreach (string input in inputs.Length > 0 ? inputs : [.. Ber, .. Qemu, .. Documents])
        {
            string kind = Ber.Contains(input) ? "ber" : Qemu.Contains(input) ? "mig" : Documents.Contains(input) ? "json" : string.Empty;
            if (kind.Length == 0)
            {
                Console.Error.WriteLine($"No input '{input}'.");
                return 2;
            }

            byte[] bytes = Make(input, (long)mebibytes * MiB);
            System.IO.File.WriteAllBytes(Path.Combine(folder, input + "." + kind), bytes);
            Console.WriteLine($"{input}.{kind} {bytes.Length}");
        }

        return 0;
    }

    /// <summary>Makes an input of about <paramref name="bytes"/> bytes (within a unit of its generator).</summary>
    /// <param name="input">The input's name.</param>
    /// <param name="bytes">The size wanted.</param>
    /// <returns>The input.</returns>
    public static byte[] Make(string input, long bytes) => input switch
    {
        "1-many-sections" => Sized(HostileInputs.ManySections, bytes),
        "1-many-empty-sections" => Sized(HostileInputs.ManyEmptySections, bytes),
        "2-large-integer" => Sized(HostileInputs.LargeInteger, bytes),
        "3-inflating-schemas" => Sized(HostileInputs.InflatingSchemas, bytes, probe: 4),
        "5-empty-values" => Sized(HostileInputs.EmptyValues, bytes),
        "7-transcoded-garbage" => Sized(HostileInputs.TranscodedGarbage, bytes),
        "7-transcoded-deep" => Sized(HostileInputs.TranscodedDeep, bytes),
        "valid-skippable-values" => Sized(count => HostileInputs.SkippableValues(count, 0x2A), bytes),
        "valid-transcoded-ram" => TranscodedRamPages(bytes),
        "4-described-elements" => Sized(HostileInputs.DescribedElements, bytes),
        "4-many-described-devices" => Sized(HostileInputs.ManyDescribedDevices, bytes),
        "valid-ram-pages" => Sized(HostileInputs.RamPages, bytes, probe: 16),
        "nested-json" => Sized(NestedJson, bytes),
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, "no such input"),
    };

    /// <summary>A BER stream of about <paramref name="bytes"/> bytes, transcoded from <see cref="HostileInputs.RamPages"/>.</summary>
    /// <param name="bytes">The size wanted.</param>
    /// <returns>The stream.</returns>
    public static byte[] TranscodedRamPages(long bytes)
    {
        using var ber = new MemoryStream();
        using var qemu = new MemoryStream(Sized(HostileInputs.RamPages, bytes, probe: 16));
        QemuTranscoder.ToBer(qemu, ber);
        return ber.ToArray();
    }

    /// <summary>A JSON document of arrays nested <paramref name="depth"/> deep.</summary>
    /// <param name="depth">The nesting.</param>
    /// <returns>The document's bytes.</returns>
    public static byte[] NestedJson(int depth) => [.. Enumerable.Repeat((byte)'[', depth), .. Enumerable.Repeat((byte)']', depth)];

    /// <summary>
    /// Makes an input of about <paramref name="bytes"/> bytes with a generator whose size grows linearly in its count:
    /// two probes give the bytes per unit and the fixed bytes, hence the count.
    /// </summary>
    private static byte[] Sized(Func<int, byte[]> make, long bytes, int probe = 1000)
    {
        long small = make(probe).Length;
        long large = make(2 * probe).Length;
        double perUnit = (large - small) / (double)probe;
        double fixedBytes = small - (perUnit * probe);
        return make((int)Math.Max(1, Math.Round((bytes - fixedBytes) / perUnit)));
    }

    private static string Folder()
    {
        if (_folder is null)
        {
            _folder = Path.Combine(Path.GetTempPath(), "migfmt-growing-" + Environment.ProcessId);
            Directory.CreateDirectory(_folder);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(_folder, recursive: true);
        }

        return _folder;
    }
}
