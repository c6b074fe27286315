using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

/// <summary>Malformed, truncated and hostile streams end in <see cref="MigrationFormatException"/> and never change the device.</summary>
public class HostileInputTests
{
    public static TheoryData<string> Devices() => [.. SampleCatalog.DeviceTypes.Select(t => t.Id)];

    /// <summary>A busy v3 device, with a small blob for the back-end so that every offset can be tried quickly.</summary>
    private static IDeviceState SmallBusy(string id)
    {
        IDeviceState device = SampleCatalog.CreateBusy(SampleCompatibilityMatrixTests.TypeOf(id), 3);
        if (device is VhostUserBackend backend)
        {
            backend.BackendState = [.. Enumerable.Range(0, 300).Select(i => (byte)i)];
        }

        return device;
    }

    /// <summary>Loads <paramref name="stream"/> into a busy v3 destination and checks the all-or-nothing rule.</summary>
    /// <returns>The exception, or null when the load succeeded.</returns>
    private static MigrationFormatException? LoadChecked(byte[] stream, string id, SortedDictionary<string, string>? fullLoad = null)
    {
        DeviceType type = SampleCompatibilityMatrixTests.TypeOf(id);
        IDeviceState destination = type.Create(3);
        SortedDictionary<string, string> before = StateDump.Of(destination);
        bool loadFinished = false;
        Exception? error = Record.Exception(() =>
        {
            using var reader = new MigrationStreamReader(stream);
            while (reader.TryReadSection(out _))
            {
                reader.LoadSection(destination);
                loadFinished = true;
            }
        });

        if (error is null)
        {
            return null;
        }

        MigrationFormatException ex = Assert.IsType<MigrationFormatException>(error);
        Assert.True(Enum.IsDefined(ex.Kind));
        if (!loadFinished)
        {
            Assert.Equal(before, StateDump.Of(destination));
        }
        else if (fullLoad is not null)
        {
            Assert.Equal(fullLoad, StateDump.Of(destination));
        }

        return ex;
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void Load_TruncatedAtEveryOffset_ThrowsMigrationFormatExceptionAndLeavesDeviceUnchanged(string id)
    {
        IDeviceState source = SmallBusy(id);
        byte[] stream = StateDump.Save(source);
        SortedDictionary<string, string> full = StateDump.Of(source);
        int truncatedKinds = 0;

        for (int length = 0; length < stream.Length; length++)
        {
            MigrationFormatException? ex = LoadChecked(stream[..length], id, full);
            Assert.NotNull(ex);
            truncatedKinds += ex.Kind == MigrationErrorKind.Truncated ? 1 : 0;
        }

        Assert.Equal(stream.Length, truncatedKinds);
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void Load_RandomBitFlips_SucceedsOrThrowsMigrationFormatExceptionOnly(string id)
    {
        byte[] stream = StateDump.Save(SmallBusy(id));
        var random = new Random(id.Length);
        int failures = 0;

        for (int round = 0; round < 1500; round++)
        {
            byte[] corrupt = (byte[])stream.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                int bit = random.Next(corrupt.Length * 8);
                corrupt[bit / 8] ^= (byte)(1 << (bit % 8));
            }

            failures += LoadChecked(corrupt, id) is null ? 0 : 1;
        }

        Assert.InRange(failures, 1, 1500);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_DeclaredLengthOf2Pow40_FailsFastWithoutLargeAllocation(bool fromStream)
    {
        byte[] stream = StateDump.Save(SampleCatalog.CreateBusy(VirtioNet.DeviceType, 3));
        byte[] name = System.Text.Encoding.UTF8.GetBytes("eth0-\u00e9");
        byte[] needle = [0x83, (byte)name.Length, .. name];
        int at = stream.AsSpan().IndexOf(needle);
        Assert.True(at > 0);
        byte[] hostile = [.. stream[..(at + 1)], 0x86, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, .. stream[(at + 2)..]];
        var destination = new VirtioNet(3);
        SortedDictionary<string, string> before = StateDump.Of(destination);

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<MigrationFormatException>(() =>
        {
            using MigrationStreamReader reader = fromStream ? new MigrationStreamReader(new MemoryStream(hostile)) : new MigrationStreamReader(hostile);
            reader.TryReadSection(out _);
            reader.LoadSection(destination);
        });
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.True(allocated < 1024 * 1024, $"{allocated} bytes allocated");
        Assert.Contains(ex.Kind, new[] { MigrationErrorKind.LimitExceeded, MigrationErrorKind.Truncated });
        Assert.Equal(before, StateDump.Of(destination));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_TenThousandDeepNesting_ThrowsLimitExceeded(bool fromStream)
    {
        byte[] stream = StateDump.Save(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3));
        byte[] stateTag = [0x62, 0x80];
        int state = stream.AsSpan().IndexOf(stateTag) + 2;
        Assert.True(state > 2);
        const int Depth = 10_000;
        var hostile = new List<byte>(stream[..state]);
        for (int d = 0; d < Depth; d++)
        {
            hostile.AddRange([0xFE, 0x80]); // [PRIVATE 30], constructed, indefinite: skippable and unknown
        }

        for (int d = 0; d < Depth; d++)
        {
            hostile.AddRange([0x00, 0x00]);
        }

        hostile.AddRange(stream[state..]);
        byte[] bytes = [.. hostile];
        var destination = new Uart16550(3);

        var ex = Assert.Throws<MigrationFormatException>(() =>
        {
            using MigrationStreamReader reader = fromStream ? new MigrationStreamReader(new MemoryStream(bytes)) : new MigrationStreamReader(bytes);
            reader.TryReadSection(out _);
            reader.LoadSection(destination);
        });

        Assert.Equal(MigrationErrorKind.LimitExceeded, ex.Kind);
        Assert.Equal(12, destination.Divider);
    }

    [Fact]
    public void TryReadSection_QuarterMillionEmptySchemaBlocksInAVersion1Stream_ReadsThemWithoutRecursion()
    {
        // Format version 1 let any number of schema blocks stand before a section (version 2 allows one).
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MigrationStreamWriter(output);
        writer.WriteHeader();
        writer.Complete();
        byte[] empty = FormatVersion1.From(output.WrittenSpan.ToArray());
        int trailer = empty.AsSpan().LastIndexOf(new byte[] { 0x64, 0x80 });
        const int Blocks = 250_000;
        byte[] block = [0x63, 0x80, 0x00, 0x00];
        byte[] stream = new byte[empty.Length + (Blocks * block.Length)];
        empty.AsSpan(0, trailer).CopyTo(stream);
        for (int i = 0; i < Blocks; i++)
        {
            block.CopyTo(stream, trailer + (i * block.Length));
        }

        empty.AsSpan(trailer).CopyTo(stream.AsSpan(trailer + (Blocks * block.Length)));

        using var reader = new MigrationStreamReader(stream);

        Assert.False(reader.TryReadSection(out _));
    }
}
