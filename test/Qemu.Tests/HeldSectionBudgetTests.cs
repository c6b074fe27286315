using System.Buffers;
using System.Text;

namespace MigrationFormat.Qemu.Tests;

/// <summary>
/// What a reader and its callers keep of the sections they have read (each header, and records held until the VM
/// description arrives) is charged to the resource budget, so that a stream of many small sections cannot make them hold
/// many times its size (docs/security.md, class 4).
/// </summary>
public class HeldSectionBudgetTests
{
    private const string TimerDescription =
        "{\"page_size\": 4096, \"devices\": [{\"name\": \"timer\", \"instance_id\": 0, \"vmsd_name\": \"timer\", \"version\": 2, "
        + "\"fields\": [{\"name\": \"a\", \"type\": \"int64\", \"size\": 8}]}]}";

    private static readonly ResourceBudget SmallBudget = new() { FixedBytes = 64 * 1024 };

    /// <summary>A stream of <paramref name="count"/> full 'timer' sections of 8 bytes each (27 on the wire), then the description.</summary>
    private static byte[] TimerSections(int count, string description = TimerDescription)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new QemuStreamWriter(output))
        {
            writer.WriteHeader();
            for (int i = 0; i < count; i++)
            {
                writer.WriteFullSection((uint)i, "timer", 0, 2, new byte[8]);
            }

            writer.WriteEndOfFile();
            writer.WriteVmDescription(Encoding.UTF8.GetBytes(description));
        }

        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void Read_SectionsWithinTheBudget_ChargesEachHeader()
    {
        using var reader = new QemuStreamReader(new NonSeekableStream(new MemoryStream(TimerSections(10))));

        while (reader.Read() is not null)
        {
        }

        long headers = 10 * (QemuStreamReader.HeldSectionCost + "timer".Length);
        long description = Encoding.UTF8.GetByteCount(TimerDescription) * (long)QemuStreamReader.DescriptionCostPerByte;
        Assert.Equal(headers + description, reader.Meter.Charged);
    }

    [Fact]
    public void Read_MoreSectionHeadersThanTheBudgetHolds_ThrowsLimitExceededBeforeTheEnd()
    {
        byte[] stream = TimerSections(1000);
        using var reader = new QemuStreamReader(new NonSeekableStream(new MemoryStream(stream)), new QemuStreamReaderOptions { Budget = SmallBudget });

        var ex = Assert.Throws<MigrationFormatException>(() =>
        {
            while (reader.Read() is not null)
            {
            }
        });

        Assert.Equal(MigrationErrorKind.LimitExceeded, ex.Kind);
        Assert.InRange(ex.Offset, 1, stream.Length / 2);
        Assert.InRange(reader.Meter.Charged, 1, SmallBudget.Allowance(ex.Offset + 27));
    }

    [Fact]
    public void ChargeHeld_RecordsBeyondTheBudget_ThrowsLimitExceededAtTheSection()
    {
        var options = new QemuStreamReaderOptions { Budget = SmallBudget };
        using var reader = new QemuStreamReader(new NonSeekableStream(new MemoryStream(TimerSections(400))), options);
        var held = new List<QemuSectionRecord>();

        var ex = Assert.Throws<MigrationFormatException>(() =>
        {
            while (reader.Read() is { } record)
            {
                if (record is QemuSectionRecord { Kind: QemuRecordKind.SectionFull } section)
                {
                    reader.ChargeHeld(section);
                    held.Add(section);
                }
            }
        });

        Assert.Equal(MigrationErrorKind.LimitExceeded, ex.Kind);
        // At the section after the last one held: 27 bytes of section and 5 of footer on.
        Assert.Equal(held[^1].Offset + 27 + 5, ex.Offset);
        Assert.InRange(held.Count, 1, 399);
    }

    [Fact]
    public void Read_SeekableStreamWithADescriptionBeyondTheBudget_DoesNotReadItAhead()
    {
        // 200 kB of JSON (padded with spaces) against an allowance of 64 kB + the stream's length: 12 bytes a byte do not fit.
        string padded = TimerDescription[..^1] + new string(' ', 200_000) + "}";
        byte[] stream = TimerSections(1, padded);
        long before = GC.GetAllocatedBytesForCurrentThread();

        using var reader = new QemuStreamReader(new MemoryStream(stream), new QemuStreamReaderOptions { Budget = SmallBudget });
        reader.Read();

        Assert.Null(reader.Description);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 150_000, "the description was read ahead");
    }
}
