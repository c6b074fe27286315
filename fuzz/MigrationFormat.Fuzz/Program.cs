using System;
using System.IO;
using SharpFuzz;

namespace MigrationFormat.Fuzz;

/// <summary>
/// <c>MigrationFormat.Fuzz TARGET</c> runs a target under AFL++ (SharpFuzz out-of-process mode);
/// <c>MigrationFormat.Fuzz --libfuzzer TARGET</c> under libFuzzer (libfuzzer-dotnet);
/// <c>MigrationFormat.Fuzz --replay TARGET FILE_OR_DIR...</c> runs inputs once each, without a fuzzer;
/// <c>MigrationFormat.Fuzz --make-seeds CORPUS_DIR [QEMU_FIXTURE]</c> writes the generated seed inputs.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "--make-seeds")
        {
            return Seeds.Make(args[1], args.Length >= 3 ? args[2] : null);
        }

        bool libFuzzer = args.Length > 0 && args[0] == "--libfuzzer";
        bool replay = args.Length > 0 && args[0] == "--replay";
        int first = libFuzzer || replay ? 1 : 0;
        if (args.Length <= first || !Targets.All.TryGetValue(args[first], out Action<ReadOnlyMemory<byte>>? target))
        {
            Console.Error.WriteLine("usage: MigrationFormat.Fuzz [--libfuzzer | --replay] TARGET [FILE_OR_DIR...]");
            Console.Error.WriteLine("targets: " + string.Join(", ", Targets.All.Keys));
            return 2;
        }

        if (replay)
        {
            return Replay(target, args.AsSpan(first + 1));
        }

        if (libFuzzer)
        {
            Fuzzer.LibFuzzer.Run(span => target(span.ToArray()));
        }
        else
        {
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                target(copy.GetBuffer().AsMemory(0, (int)copy.Length));
            });
        }

        return 0;
    }

    private static int Replay(Action<ReadOnlyMemory<byte>> target, ReadOnlySpan<string> paths)
    {
        int count = 0;
        foreach (string path in paths)
        {
            string[] files = Directory.Exists(path) ? Directory.GetFiles(path, "*", SearchOption.AllDirectories) : [path];
            foreach (string file in files)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                target(File.ReadAllBytes(file));
                Console.WriteLine($"{clock.Elapsed.TotalMilliseconds,10:F1} ms  {file}");
                count++;
            }
        }

        Console.WriteLine($"{count} inputs replayed.");
        return 0;
    }
}
