using System.Buffers;
using System.Diagnostics;
using MigrationFormat.Ber;
using MigrationFormat.Samples;
using MigrationFormat.Visitors;
using Xunit;
using Xunit.Abstractions;

namespace MigrationFormat.Fuzz.Tests;

/// <summary>
/// Inputs built to be slow or to make a decoder allocate: each runs at size n and 4n, and must take time linear in its
/// size (the 4n run at most 8 times as long as the n run, generous for noise) and allocate at most a small multiple of
/// its size. Whether the decoder accepts or rejects the input does not matter, only that it ends in time and memory.
/// </summary>
[Collection(TimingTests.Name)]
public class SlowInputTests(ITestOutputHelper output)
{
    private const int SmallSize = 256 * 1024;
    // Linear work gives about 4 (4x the input), quadratic about 16: the threshold sits between with room for a busy machine.
    private const double MaxRatio = 10.0;
    private const long FixedAllowance = 256 * 1024;

    [Fact]
    public void NestedIndefiniteValues_ToTheDepthLimit_Repeated_AreLinear()
    {
        static byte[] Build(int size)
        {
            int depth = BerReaderOptions.DefaultMaxDepth - 1;
            var bytes = new List<byte>(size + (4 * depth));
            while (bytes.Count < size)
            {
                for (int i = 0; i < depth; i++)
                {
                    bytes.Add(0x30);
                    bytes.Add(0x80);
                }

                for (int i = 0; i < depth; i++)
                {
                    bytes.Add(0);
                    bytes.Add(0);
                }
            }

            return [.. bytes];
        }

        AssertLinear("validator, nested indefinite", Build, Validate, allocationFactor: 1);
        AssertLinear("reader, nested indefinite", Build, Walk, allocationFactor: 1);
    }

    [Fact]
    public void NestingBeyondTheLimit_FailsFast()
    {
        byte[] input = new byte[1 << 20];
        for (int i = 0; i < input.Length; i += 2)
        {
            input[i] = 0x30;
            input[i + 1] = 0x80;
        }

        var clock = Stopwatch.StartNew();
        MigrationFormatException e = Assert.Throws<MigrationFormatException>(() => BerValidator.Validate(input));
        Assert.Equal(MigrationErrorKind.LimitExceeded, e.Kind);
        Assert.True(clock.ElapsedMilliseconds < 1000);
    }

    [Fact]
    public void ZeroLengthOctetStringSegments_InAConstructedString_AreLinear()
    {
        static byte[] Build(int size)
        {
            byte[] bytes = new byte[size + 4];
            bytes[0] = 0x24;
            bytes[1] = 0x80;
            for (int i = 2; i < size + 2; i += 2)
            {
                bytes[i] = 0x04;
                bytes[i + 1] = 0x00;
            }

            return bytes; // Ends in 00 00.
        }

        AssertLinear("validator, zero-length segments", Build, Validate, allocationFactor: 1);
        AssertLinear("reader, zero-length segments", Build, Walk, allocationFactor: 1);
    }

    [Fact]
    public void ZeroLengthSegments_InADeviceBlob_AreLinear_AndTheDeviceIsUnchangedOnFailure()
    {
        DeviceType type = VhostUserBackend.DeviceType;
        IDeviceState template = SampleCatalog.CreateBusy(type, type.CurrentVersion);
        ((VhostUserBackend)template).BackendState = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
        byte[] state = Save(template);
        int blob = IndexOf(state, [0xA2, 0x80, 0x04, 0x14]);
        Assert.True(blob > 0, "The backend state blob was not found in the saved state.");

        byte[] Build(int size)
        {
            var bytes = new List<byte>(state.Length + size);
            bytes.AddRange(state.AsSpan(0, blob + 2).ToArray());
            for (int i = 0; i < size; i += 2)
            {
                bytes.Add(0x04);
                bytes.Add(0x00);
            }

            bytes.AddRange(state.AsSpan(blob + 2 + 2 + 0x14).ToArray());
            return [.. bytes];
        }

        void Load(byte[] input)
        {
            IDeviceState device = SampleCatalog.CreateBusy(type, type.CurrentVersion);
            byte[] before = Save(device);
            try
            {
                new BerDeviceSerializer().Load(device, input, type.CurrentVersion);
            }
            catch (MigrationFormatException)
            {
                Assert.Equal(before, Save(device));
            }
        }

        // The busy device itself saves 200 kB twice per run: allow for it.
        AssertLinear("device blob, zero-length segments", Build, Load, allocationFactor: 4, fixedAllowance: 2 << 20);
    }

    [Fact]
    public void UnknownSkippableFields_InADeviceState_AreLinear()
    {
        DeviceType type = Uart16550.DeviceType;
        byte[] state = Save(SampleCatalog.CreateBusy(type, type.CurrentVersion));
        Assert.Equal([0x62, 0x80], state[..2]);

        byte[] Build(int size)
        {
            // [PRIVATE 29], empty: an unknown extension field a destination skips.
            var bytes = new List<byte>(state.Length + size);
            bytes.AddRange(state[..2]);
            for (int i = 0; i < size; i += 2)
            {
                bytes.Add(0xDD);
                bytes.Add(0x00);
            }

            bytes.AddRange(state[2..]);
            return [.. bytes];
        }

        void Load(byte[] input)
        {
            IDeviceState device = SampleCatalog.CreateBusy(type, type.CurrentVersion);
            try
            {
                new BerDeviceSerializer().Load(device, input, type.CurrentVersion);
            }
            catch (MigrationFormatException)
            {
            }
        }

        AssertLinear("device state, unknown private fields", Build, Load, allocationFactor: 4);
    }

    [Theory]
    [InlineData(BerLoadOptions.DefaultMaxListCount)]
    [InlineData(int.MaxValue)]
    public void AListDeclaringHugeCounts_WithoutElements_AllocatesLittle(long count)
    {
        DeviceType type = VirtioNet.DeviceType;
        byte[] state = Save(SampleCatalog.CreateBusy(type, type.CurrentVersion));

        // The queues list: [5] { INTEGER count, SEQUENCE... }; keep the declaration, drop the elements.
        int list = IndexOf(state, [0xA5, 0x80, 0x02, 0x01, 0x03]);
        Assert.True(list > 0, "The queue list was not found in the saved state.");
        var writer = new ArrayBufferWriter<byte>();
        var ber = new BerWriter(writer);
        ber.WriteInteger(count);
        ber.Flush();
        var input = new List<byte>();
        input.AddRange(state[..(list + 2)]);
        input.AddRange(writer.WrittenSpan.ToArray());
        input.AddRange([0x00, 0x00, 0x00, 0x00]);

        IDeviceState device = SampleCatalog.CreateBusy(type, type.CurrentVersion);
        byte[] before = Save(device);
        byte[] bytes = [.. input];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<MigrationFormatException>(() => new BerDeviceSerializer().Load(device, bytes, type.CurrentVersion));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        output.WriteLine($"count {count}: {bytes.Length} bytes in, {allocated} bytes allocated");
        Assert.True(allocated < FixedAllowance, $"Declaring {count} elements allocated {allocated} bytes.");
        Assert.Equal(before, Save(device));
    }

    private static void Validate(byte[] input)
    {
        try
        {
            BerValidator.Validate(input, new BerValidationOptions { AllowMultipleValues = true });
        }
        catch (MigrationFormatException)
        {
        }
    }

    private static void Walk(byte[] input)
    {
        try
        {
            var reader = new BerReader(input);
            while (reader.Read())
            {
            }
        }
        catch (MigrationFormatException)
        {
        }
    }

    private static byte[] Save(IDeviceState device)
    {
        var buffer = new ArrayBufferWriter<byte>();
        BerDeviceSerializer.Save(device, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private void AssertLinear(string what, Func<int, byte[]> build, Action<byte[]> run, int allocationFactor, long fixedAllowance = FixedAllowance)
    {
        byte[] small = build(SmallSize);
        byte[] large = build(4 * SmallSize);
        run(small); // Warm up (JIT, static state).
        double smallMs = 0, largeMs = 0, ratio = double.MaxValue;
        long smallBytes = 0, largeBytes = 0;

        // A busy machine can stretch one run; a quadratic path stays quadratic on every attempt.
        for (int attempt = 0; attempt < 3 && ratio >= MaxRatio; attempt++)
        {
            (smallMs, smallBytes) = Measure(small, run);
            (largeMs, largeBytes) = Measure(large, run);
            ratio = largeMs / Math.Max(smallMs, 2.0);
        }

        output.WriteLine(
            $"{what}: {small.Length} B in {smallMs:F1} ms ({smallBytes} B allocated); "
            + $"{large.Length} B in {largeMs:F1} ms ({largeBytes} B allocated); ratio {ratio:F2}");
        Assert.True(ratio < MaxRatio, $"{what}: 4x the input took {ratio:F1}x the time.");
        Assert.True(largeMs < 10_000, $"{what}: {largeMs:F0} ms for {large.Length} bytes.");
        Assert.True(
            largeBytes <= (allocationFactor * (long)large.Length) + fixedAllowance,
            $"{what}: allocated {largeBytes} bytes for {large.Length} bytes of input.");
    }

    private static (double Milliseconds, long Allocated) Measure(byte[] input, Action<byte[]> run)
    {
        double best = double.MaxValue;
        long allocated = long.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            run(input);
            clock.Stop();
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }

        return (best, allocated);
    }
}

/// <summary>Timing tests run alone, not alongside other test classes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingTests
{
    public const string Name = "Timing";
}
