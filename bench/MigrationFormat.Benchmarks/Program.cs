using System;
using System.Buffers;
using System.Formats.Asn1;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;

namespace MigrationFormat.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 2 && args[0] == "growing-inputs")
        {
            // growing-inputs <folder> <MiB> [input...]: the growing-input benchmarks' inputs as files, for bench/tool/peak-memory.sh.
            return GrowingInputs.WriteAll(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3..]);
        }

        if (args.Length > 0 && args[0] == "sizes")
        {
            Sizes.Print();
            return 0;
        }

        if (args.Length > 0 && args[0] == "alloc")
        {
            return Alloc.Print();
        }

        if (args.Length > 0 && args[0] == "quick")
        {
            Quick.Run();
            return 0;
        }

        if (args.Length > 0 && args[0] == "loop")
        {
            // loop <method> <full|sparse> <seconds>: one 40-field benchmark in a tight loop, to be profiled with perf.
            return Loop.Run(args[1], args.Length > 2 ? args[2] : "full", args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 10);
        }

        if (args.Length > 0 && args[0] == "session-throughput")
        {
            if (args.Length > 2)
            {
                SessionBenchmarks.BufferSize = int.Parse(args[2], CultureInfo.InvariantCulture);
            }

            if (args.Length > 3)
            {
                SessionBenchmarks.ChunkSize = int.Parse(args[3], CultureInfo.InvariantCulture);
            }

            return SessionThroughput.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 9);
        }

        if (args.Length > 0 && args[0] == "session-alloc")
        {
            return SessionAlloc.Run();
        }

        if (args.Length > 0 && args[0] == "blob-soak")
        {
            long mib = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 4096;
            return BlobSoak.Run(mib);
        }

        // ShortRun-like unless a job is given: 1 launch, 3 warm-ups, 5 measured iterations of 250 ms, in process
        // (generating and building a boilerplate project per benchmark takes minutes on a 2-core machine).
        IConfig config = DefaultConfig.Instance;
        if (!args.Contains("--job") && !args.Contains("-j"))
        {
            config = ManualConfig.Create(DefaultConfig.Instance).AddJob(
                Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(5)
                    .WithIterationTime(TimeInterval.FromMilliseconds(250))
                    .WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortInProcess"))
                .AddColumn(StatisticColumn.Median);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}

/// <summary>Checks that every codec round-trips the device before anything is timed.</summary>
public static class Verify
{
    public static void PerfRoundTrips(PerfDevice d, byte[] raw, byte[] legacy, byte[] ber, byte[] asn, byte[] proto)
    {
        Check("raw", d, t => RawCodec.Load(t, raw));
        Check("legacy", d, t => LegacyDeviceSerializer.Load(t, legacy, 1, "perf"));
        Check("ber", d, t => new BerDeviceSerializer().Load(t, ber, 1));
        Check("asn", d, t => AsnCodec.Load(t, asn));
        Check("protobuf", d, t => ProtoCodec.Load(t, proto, proto.Length));
    }

    private static void Check(string codec, PerfDevice expected, Action<PerfDevice> load)
    {
        var target = PerfDevice.Create(sparse: false, seed: 99);
        load(target);
        if (!target.ContentEquals(expected))
        {
            throw new InvalidOperationException($"The {codec} codec did not round-trip the device.");
        }
    }
}

/// <summary>The <c>sizes</c> console mode: bytes per device and per stream in each format.</summary>
public static class Sizes
{
    public static void Print()
    {
        var c = CultureInfo.InvariantCulture;
        var output = new ArrayBufferWriter<byte>();
        byte[] buffer = new byte[4096];
        Console.WriteLine("| device | version | legacy B | BER B | BER / legacy |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (DeviceType type in SampleCatalog.DeviceTypes)
        {
            IDeviceState d = SampleCatalog.CreateBusy(type, type.CurrentVersion);
            int legacy = LegacyDeviceSerializer.Save(d).Length;
            int ber = BerSize(d, output);
            Console.WriteLine(string.Format(c, "| {0} (busy) | {1} | {2} | {3} | {4:F2} |", type.Id, d.Version, legacy, ber, (double)ber / legacy));
        }

        Console.WriteLine();
        Console.WriteLine("| 40-field device | raw B | legacy B | BER B | AsnWriter DER B | protobuf B |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (bool sparse in new[] { false, true })
        {
            PerfDevice d = PerfDevice.Create(sparse);
            int raw = RawCodec.Save(d, buffer);
            int legacy = LegacyDeviceSerializer.Save(d).Length;
            int ber = BerSize(d, output);
            int asn = AsnCodec.Save(d, new AsnWriter(AsnEncodingRules.DER), buffer);
            int proto = ProtoCodec.Save(d, new ProtoCodec.Wrapped(d), buffer);
            Console.WriteLine(string.Format(c, "| {0} | {1} | {2} | {3} | {4} | {5} |", sparse ? "sparse" : "full", raw, legacy, ber, asn, proto));
        }

        Console.WriteLine();
        Console.WriteLine("| whole stream | devices | legacy payloads B (sum, no framing) | BER stream B | BER stream + embedded schemas B | schema B |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Row("4 samples", [.. SampleCatalog.DeviceTypes.Select(t => SampleCatalog.CreateBusy(t, t.CurrentVersion))]);
        Row($"machine (4 samples + {Machine.PerfDevices} × 40-field)", Machine.Create(busy: true));

        void Row(string name, IDeviceState[] devices)
        {
            long legacy = devices.Sum(d => (long)LegacyDeviceSerializer.Save(d).Length);
            output.ResetWrittenCount();
            Machine.Save(devices, output, schemas: false);
            int plain = output.WrittenCount;
            output.ResetWrittenCount();
            Machine.Save(devices, output, schemas: true);
            int withSchemas = output.WrittenCount;
            Console.WriteLine(string.Format(c, "| {0} | {1} | {2} | {3} | {4} | {5} |", name, devices.Length, legacy, plain, withSchemas, withSchemas - plain));
        }
    }

    private static int BerSize(IDeviceState d, ArrayBufferWriter<byte> output)
    {
        output.ResetWrittenCount();
        BerDeviceSerializer.Save(d, output);
        return output.WrittenCount;
    }
}

/// <summary>The <c>alloc</c> console mode: bytes allocated per steady-state device save and load (a quick check without BenchmarkDotNet).</summary>
public static class Alloc
{
    /// <summary>Prints bytes per operation; fails when the 40-field device allocates, or a sample allocates more through BER than through legacy.</summary>
    /// <returns>0 when both hold, 1 otherwise.</returns>
    public static int Print()
    {
        int failures = 0;
        foreach (string data in new[] { "full", "sparse" })
        {
            var b = new DeviceBenchmarks { Data = data };
            b.Setup();
            failures += Measure($"40-field {data} Save_Legacy", () => b.Save_Legacy()) == 0 ? 0 : 1;
            failures += Measure($"40-field {data} Save_Ber", () => b.Save_Ber()) == 0 ? 0 : 1;
            failures += Measure($"40-field {data} Load_Legacy", b.Load_Legacy) == 0 ? 0 : 1;
            failures += Measure($"40-field {data} Load_Ber", () => b.Load_Ber()) == 0 ? 0 : 1;
        }

        // What a sample device allocates through its own API (string and byte[] fields, staged blobs) is the same
        // in both formats; the format itself must add nothing.
        foreach (string device in SampleBenchmarks.Devices)
        {
            var b = new SampleBenchmarks { Device = device };
            b.Setup();
            double saveLegacy = Measure($"{device} Save_Legacy", () => b.Save_Legacy());
            double saveBer = Measure($"{device} Save_Ber", () => b.Save_Ber());
            double loadLegacy = Measure($"{device} Load_Legacy", b.Load_Legacy);
            double loadBer = Measure($"{device} Load_Ber", () => b.Load_Ber());
            failures += saveBer > saveLegacy ? 1 : 0;

            // The blob sample stages what it loads; allow the noise of a large staging allocation.
            failures += loadBer > loadLegacy + Math.Max(64, loadLegacy / 1000) ? 1 : 0;
        }

        return failures == 0 ? 0 : 1;
    }

    private static double Measure(string name, Action action)
    {
        for (int i = 0; i < 100; i++)
        {
            action();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        const int n = 1000;
        for (int i = 0; i < n; i++)
        {
            action();
        }

        double perOp = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)n;
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-40} {1,10:F1} B/op", name, perOp));
        return perOp;
    }
}

/// <summary>The <c>loop</c> console mode: runs one <see cref="DeviceBenchmarks"/> method for a while, for <c>perf record</c> (set
/// <c>DOTNET_PerfMapEnabled=1</c>).</summary>
public static class Loop
{
    public static int Run(string method, string data, double seconds)
    {
        var b = new DeviceBenchmarks { Data = data };
        b.Setup();
        Action? op = method switch
        {
            "Save_Raw" => () => b.Save_Raw(),
            "Save_Legacy" => () => b.Save_Legacy(),
            "Save_Ber" => () => b.Save_Ber(),
            "Save_AsnWriter" => () => b.Save_AsnWriter(),
            "Load_Raw" => b.Load_Raw,
            "Load_Legacy" => b.Load_Legacy,
            "Load_Ber" => () => b.Load_Ber(),
            "Load_AsnDecoder" => b.Load_AsnDecoder,
            _ => null,
        };
        if (op is null)
        {
            Console.Error.WriteLine($"No benchmark method '{method}'.");
            return 2;
        }

        long end = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(seconds * System.Diagnostics.Stopwatch.Frequency);
        long count = 0;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (System.Diagnostics.Stopwatch.GetTimestamp() < end)
        {
            for (int i = 0; i < 10_000; i++)
            {
                op();
            }

            count += 10_000;
        }

        Console.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "{0} {1}: {2:F1} ns/op",
            method,
            data,
            System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalNanoseconds / count));
        return 0;
    }
}

/// <summary>The <c>quick</c> console mode: best-of-rounds ns/op for the 40-field device, robust to a busy machine.</summary>
public static class Quick
{
    public static void Run()
    {
        foreach (string data in new[] { "full", "sparse" })
        {
            var b = new DeviceBenchmarks { Data = data };
            b.Setup();
            (string Name, Action Op)[] ops =
            [
                ("Save_Raw", () => b.Save_Raw()), ("Save_Legacy", () => b.Save_Legacy()), ("Save_Ber", () => b.Save_Ber()),
                ("Save_AsnWriter", () => b.Save_AsnWriter()), ("Save_Protobuf", () => b.Save_Protobuf()),
                ("Load_Raw", b.Load_Raw), ("Load_Legacy", b.Load_Legacy), ("Load_Ber", () => b.Load_Ber()),
                ("Load_AsnDecoder", b.Load_AsnDecoder), ("Load_Protobuf", b.Load_Protobuf),
            ];
            var best = new double[ops.Length];
            Array.Fill(best, double.MaxValue);
            for (int round = 0; round < 9; round++)
            {
                for (int k = 0; k < ops.Length; k++)
                {
                    const int n = 20_000;
                    long start = System.Diagnostics.Stopwatch.GetTimestamp();
                    for (int i = 0; i < n; i++)
                    {
                        ops[k].Op();
                    }

                    double ns = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalNanoseconds / n;
                    best[k] = Math.Min(best[k], ns);
                }
            }

            var bytes = new ArrayBufferWriter<byte>();
            BerDeviceSerializer.Save(PerfDevice.Create(data == "sparse"), bytes);
            ReadOnlyMemory<byte> mem = bytes.WrittenMemory.ToArray();
            int tokens = 0;
            double tokenBest = double.MaxValue;
            for (int round = 0; round < 9; round++)
            {
                const int n = 20_000;
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                for (int i = 0; i < n; i++)
                {
                    using var src = new BerInputSource(mem);
                    tokens = 0;
                    while (src.Peek())
                    {
                        src.Accept();
                        tokens++;
                    }
                }

                tokenBest = Math.Min(tokenBest, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalNanoseconds / n);
            }

            Console.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                "{0,-7} {1,-16} {2,9:F1} ns ({3} tokens)",
                data,
                "BerInputSource",
                tokenBest,
                tokens));
            double readerBest = double.MaxValue;
            for (int round = 0; round < 9; round++)
            {
                const int n = 20_000;
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                for (int i = 0; i < n; i++)
                {
                    var reader = new MigrationFormat.Ber.BerReader(mem.Span);
                    while (reader.Read())
                    {
                    }
                }

                readerBest = Math.Min(readerBest, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalNanoseconds / n);
            }

            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-7} {1,-16} {2,9:F1} ns", data, "BerReader", readerBest));
            for (int k = 0; k < ops.Length; k++)
            {
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-7} {1,-16} {2,9:F1} ns", data, ops[k].Name, best[k]));
            }
        }
    }
}
