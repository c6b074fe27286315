using System.Diagnostics;
using Xunit;

namespace MigrationFormat.Fuzz.Tests;

/// <summary>
/// Replays every kept fuzzing input (fuzz/corpus/TARGET/*: seeds and minimised regressions) through its target's entry
/// point. A target lets only <see cref="MigrationFormatException"/> through internally, so any exception here is a bug.
/// </summary>
public class CorpusReplayTests
{
    private static readonly TimeSpan PerInputBound = TimeSpan.FromSeconds(2);

    private static string CorpusRoot => Path.Combine(AppContext.BaseDirectory, "corpus");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (string folder in Directory.GetDirectories(CorpusRoot).Order(StringComparer.Ordinal))
        {
            foreach (string file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(folder), Path.GetFileName(file));
            }
        }

        return data;
    }

    [Fact]
    public void Corpus_EveryFolder_NamesATargetOrAnUnbuiltQemuTarget()
    {
        string[] qemu = ["qemu-stream", "vm-description"];
        foreach (string folder in Directory.GetDirectories(CorpusRoot))
        {
            string name = Path.GetFileName(folder);
            Assert.True(Targets.All.ContainsKey(name) || qemu.Contains(name), $"fuzz/corpus/{name} matches no target.");
        }
    }

    [Fact]
    public void Corpus_EveryTarget_HasSeeds()
    {
        foreach (string target in Targets.All.Keys)
        {
            string folder = Path.Combine(CorpusRoot, target);
            Assert.True(Directory.Exists(folder) && Directory.GetFiles(folder).Length > 0, $"Target '{target}' has no seeds in fuzz/corpus/{target}.");
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Replay_KeptInput_EndsOnlyInTheDocumentedException(string target, string file)
    {
        if (!Targets.All.TryGetValue(target, out Action<ReadOnlyMemory<byte>>? run))
        {
            return; // A QEMU target whose sources are not built into the harness.
        }

        byte[] input = File.ReadAllBytes(Path.Combine(CorpusRoot, target, file));
        var clock = Stopwatch.StartNew();
        Exception? escaped = Record.Exception(() => run(input));
        clock.Stop();

        Assert.Null(escaped);
        Assert.True(
            clock.Elapsed < PerInputBound,
            $"{target}/{file} took {clock.Elapsed.TotalMilliseconds:F0} ms (bound {PerInputBound.TotalMilliseconds} ms).");
    }
}
