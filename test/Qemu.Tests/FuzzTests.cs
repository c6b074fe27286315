using System.Buffers;
using FsCheck.Xunit;

namespace MigrationFormat.Qemu.Tests;

/// <summary>Truncations and byte flips of the real streams, and random input: only <see cref="MigrationFormatException"/> may come out.</summary>
public class FuzzTests
{
    private static readonly Lazy<VmDescription> PausedDescription = new(() =>
        Fixtures.ReadAll(Fixtures.Stream("pc-serial-paused")).OfType<QemuVmDescriptionRecord>().Single().Description!);

    /// <summary>Reads a stream fully and, if it is valid, prints its analyzer state too; returns the exception, if any.</summary>
    private static MigrationFormatException? Consume(byte[] bytes, int length, bool alsoAnalyze)
    {
        try
        {
            Fixtures.Drain(new MemoryStream(bytes, 0, length, writable: false));
            if (alsoAnalyze)
            {
                AnalyzerJsonWriter.WriteState(new MemoryStream(bytes, 0, length, writable: false), new ArrayBufferWriter<byte>());
            }

            return null;
        }
        catch (MigrationFormatException ex)
        {
            return ex;
        }
    }

    private static SortedSet<int> TruncationPoints(byte[] stream)
    {
        var points = new SortedSet<int>();
        for (int i = 0; i < 64; i++)
        {
            points.Add(i);
        }

        for (int i = 0; i < stream.Length; i += 997)
        {
            points.Add(i);
        }

        foreach (QemuRecord record in Fixtures.ReadAll(stream))
        {
            if (record is QemuRamRecord { RecordType: not (QemuRamRecordType.BlockList or QemuRamRecordType.EndOfSection) })
            {
                continue;
            }

            for (long d = -2; d <= 2; d++)
            {
                points.Add((int)Math.Clamp(record.Offset + d, 0, stream.Length - 1));
                points.Add((int)Math.Clamp(record.Offset + record.Length + d, 0, stream.Length - 1));
            }
        }

        points.RemoveWhere(p => p >= stream.Length);
        return points;
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void Read_FixtureTruncatedAnywhere_ThrowsOnlyMigrationFormatExceptionWithAnOffset(string name)
    {
        byte[] stream = Fixtures.Stream(name);
        long endOfEof = Fixtures.ReadAll(stream).OfType<QemuEndOfFileRecord>().Single().Offset + 1;
        var failures = new List<string>();
        foreach (int length in TruncationPoints(stream))
        {
            MigrationFormatException? ex = Consume(stream, length, alsoAnalyze: false);
            if (ex is null ? length != endOfEof : ex.Offset < 0 || ex.Offset > length)
            {
                failures.Add($"length {length}: {ex?.Message ?? "no exception"}");
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [MemberData(nameof(Fixtures.All), MemberType = typeof(Fixtures))]
    public void Read_FixtureWithFlippedBytesOutsideRam_ThrowsOnlyMigrationFormatException(string name)
    {
        byte[] stream = (byte[])Fixtures.Stream(name).Clone();
        List<QemuRecord> records = Fixtures.ReadAll(stream);
        int ramStart = (int)records.First(r => r.Kind == QemuRecordKind.SectionStart).Offset;
        int devicesStart = (int)records.First(r => r.Kind == QemuRecordKind.SectionFull).Offset;
        var random = new Random(20240101 + name.Length);
        int iterations = stream.Length < 700_000 ? 150 : 60;
        var failures = new List<string>();
        for (int i = 0; i < iterations; i++)
        {
            int flips = random.Next(1, 4);
            var saved = new List<(int Position, byte Value)>();
            for (int f = 0; f < flips; f++)
            {
                int position = random.Next(8) == 0 ? random.Next(ramStart) : random.Next(devicesStart, stream.Length);
                saved.Add((position, stream[position]));
                stream[position] ^= (byte)random.Next(1, 256);
            }

            MigrationFormatException? ex = Consume(stream, stream.Length, alsoAnalyze: i % 4 == 0);
            if (ex is not null && (ex.Offset < -1 || ex.Offset > stream.Length))
            {
                failures.Add($"flips {string.Join(",", saved)}: offset {ex.Offset}");
            }

            for (int f = saved.Count - 1; f >= 0; f--)
            {
                stream[saved[f].Position] = saved[f].Value;
            }
        }

        Assert.Empty(failures);
    }

    [Property(MaxTest = 300)]
    public void Read_RandomBytesAfterTheHeader_ThrowsOnlyMigrationFormatException(byte[] tail)
    {
        byte[] stream = [.. "QEVM\0\0\0\u0003"u8, .. tail ?? []];

        MigrationFormatException? ex = Consume(stream, stream.Length, alsoAnalyze: true);

        Assert.True(ex is null || (ex.Offset >= -1 && ex.Offset <= stream.Length));
    }

    [Property(MaxTest = 300)]
    public void Read_SyntheticStreamWithRandomFlips_ThrowsOnlyMigrationFormatException(int seed)
    {
        byte[] stream = SyntheticStreams.Build();
        var random = new Random(seed);
        for (int f = random.Next(1, 5); f > 0; f--)
        {
            stream[random.Next(stream.Length)] ^= (byte)random.Next(1, 256);
        }

        MigrationFormatException? ex = Consume(stream, random.Next(stream.Length + 1), alsoAnalyze: true);

        Assert.True(ex is null || (ex.Offset >= -1 && ex.Offset <= stream.Length));
    }

    [Property(MaxTest = 200)]
    public void Decode_RandomPayloadAgainstAFixtureDescription_ThrowsOnlyMigrationFormatException(byte[] payload)
    {
        var failures = PausedDescription.Value.Devices.Where(device =>
        {
            try
            {
                VmStateDecoder.Decode(device, payload ?? []);
                return false;
            }
            catch (MigrationFormatException ex)
            {
                return ex.Offset < 0 || ex.Offset > (payload?.Length ?? 0);
            }
        }).ToList();

        Assert.Empty(failures);
    }
}
