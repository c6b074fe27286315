using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Migfmt = MigrationFormat.Tool.Program;

namespace MigrationFormat.Benchmarks;

/// <summary>
/// Time linear in the input, on every verb of <c>migfmt</c> that reads a stream (docs/security.md, "Linear time on growing
/// inputs"): each verb runs in process through the tool's own entry point (<see cref="Migfmt.Run(string[], TextWriter, TextWriter)"/>,
/// output to <see cref="TextWriter.Null"/>, a converted stream to a temporary file) on each input of <see cref="GrowingInputs"/> at
/// 1, 8 and 64 MiB. The three sizes are the three methods and 1 MiB is the baseline of each verb on each input, so the Ratio
/// column reads about 1, 8 and 64 where time is linear (and less where a verb refuses the input before its end; the Exit
/// column says which). Run alone with <c>--filter '*GrowingInput*'</c>.
/// </summary>
[Config(typeof(GrowingInputConfig))]
[WarmupCount(1)]
[IterationCount(3)]
public abstract class GrowingInputBenchmarks
{
    /// <summary>Gets or sets the input's name (one of <see cref="GrowingInputs"/>).</summary>
    [ParamsSource(nameof(Inputs))]
    public string Input { get; set; } = string.Empty;

    /// <summary>Gets or sets the verb with its options, as typed.</summary>
    [ParamsSource(nameof(Verbs))]
    public string Verb { get; set; } = string.Empty;

    /// <summary>Gets the inputs of this kind.</summary>
    public abstract IEnumerable<string> Inputs { get; }

    /// <summary>Gets the verbs that read inputs of this kind.</summary>
    public abstract IEnumerable<string> Verbs { get; }

    /// <summary>
    /// Makes the three sizes of the input and runs the verb once on each, recording its exit code: once per verb and input,
    /// for whichever of the three methods comes first.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        foreach (int mebibytes in GrowingInputConfig.Sizes.Values)
        {
            if (GrowingInputConfig.ExitCodes.ContainsKey((Input, Verb, mebibytes)))
            {
                continue;
            }

            int exitCode = Run(mebibytes);
            if (exitCode is not (Migfmt.ExitOk or Migfmt.ExitBadInput))
            {
                throw new InvalidOperationException($"migfmt {Verb} on {Input} ({mebibytes} MiB) exited {exitCode}: not a run worth timing.");
            }

            GrowingInputConfig.ExitCodes[(Input, Verb, mebibytes)] = exitCode;
        }
    }

    [Benchmark(Baseline = true)]
    public int OneMiB() => Run(1);

    [Benchmark]
    public int EightMiB() => Run(8);

    [Benchmark]
    public int SixtyFourMiB() => Run(64);

    private int Run(int mebibytes)
    {
        string file = GrowingInputs.File(Input, mebibytes);
        string[] args = Verb switch
        {
            "diff" => ["diff", file, file],
            "check" => ["check", file, file],
            "load" => ["load", "--device", "serial", "--version", "3", file],
            "convert --to legacy" or "convert --to ber" => [.. Verb.Split(' '), file, file + ".out"],
            _ => [.. Verb.Split(' '), file],
        };
        return Migfmt.Run(args, TextWriter.Null, TextWriter.Null);
    }
}

/// <summary>The BER-reading verbs on BER inputs (hostile classes 1, 2, 3, 5 and 7, and valid streams).</summary>
public class BerGrowingInputBenchmarks : GrowingInputBenchmarks
{
    public override IEnumerable<string> Inputs => GrowingInputs.Ber;

    public override IEnumerable<string> Verbs =>
        ["dump", "dump --json", "dump --schemas", "decode", "verify", "diff", "load", "convert --to legacy"];
}

/// <summary>The QEMU-reading verbs on QEMU savevm inputs (hostile class 4 and a valid stream).</summary>
public class QemuGrowingInputBenchmarks : GrowingInputBenchmarks
{
    public override IEnumerable<string> Inputs => GrowingInputs.Qemu;

    public override IEnumerable<string> Verbs => ["dump", "dump --json", "decode", "verify", "diff", "load", "convert --to ber"];
}

/// <summary><c>check</c> on deeply nested schema documents.</summary>
public class DocumentGrowingInputBenchmarks : GrowingInputBenchmarks
{
    public override IEnumerable<string> Inputs => GrowingInputs.Documents;

    public override IEnumerable<string> Verbs => ["check"];
}

/// <summary>The growing-input benchmarks' column of exit codes, and their inputs' names in full.</summary>
public sealed class GrowingInputConfig : ManualConfig
{
    public GrowingInputConfig()
    {
        AddColumn(new ExitCodeColumn());

        // The inputs' names in full (the default cuts parameter values at 20 characters).
        WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(32));
    }

    /// <summary>Gets the benchmark methods and the input size each runs, in MiB.</summary>
    public static IReadOnlyDictionary<string, int> Sizes { get; } = new Dictionary<string, int>
    {
        [nameof(GrowingInputBenchmarks.OneMiB)] = 1,
        [nameof(GrowingInputBenchmarks.EightMiB)] = 8,
        [nameof(GrowingInputBenchmarks.SixtyFourMiB)] = 64,
    };

    /// <summary>Gets the exit code of each verb on each input at each size, as the setup saw it.</summary>
    public static ConcurrentDictionary<(string Input, string Verb, int MiB), int> ExitCodes { get; } = new();

    /// <summary>The tool's exit code: 0 when the verb read the whole input, 1 when it refused it (at the point it says).</summary>
    private sealed class ExitCodeColumn : IColumn
    {
        public string Id => nameof(ExitCodeColumn);

        public string ColumnName => "Exit";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "migfmt's exit code: 0 = the verb read the whole input, 1 = it refused the input";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            string input = (string)benchmarkCase.Parameters[nameof(GrowingInputBenchmarks.Input)];
            string verb = (string)benchmarkCase.Parameters[nameof(GrowingInputBenchmarks.Verb)];
            int size = Sizes[benchmarkCase.Descriptor.WorkloadMethod.Name];
            return ExitCodes.TryGetValue((input, verb, size), out int code) ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
