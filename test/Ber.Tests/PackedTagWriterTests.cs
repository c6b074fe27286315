namespace MigrationFormat.Ber.Tests;

/// <summary>The packed-tag writes the device visitors use per field produce exactly the octets of the general writes.</summary>
public class PackedTagWriterTests
{
    private static readonly BerTagClass[] Classes = [BerTagClass.Universal, BerTagClass.Application, BerTagClass.ContextSpecific, BerTagClass.Private];

    private delegate void PackedWrite(ref BerWriter writer);

    private static byte[] Written(PackedWrite write, IBufferWriter<byte>? output = null)
    {
        var buffer = output ?? new ArrayBufferWriter<byte>();
        var writer = new BerWriter(buffer);
        write(ref writer);
        writer.Flush();
        writer.Dispose();
        return buffer switch
        {
            ArrayBufferWriter<byte> array => array.WrittenSpan.ToArray(),
            MinimalSpanWriter minimal => minimal.Written,
            _ => [],
        };
    }

    [Theory]
    [InlineData(BerTagClass.ContextSpecific, 0UL)]
    [InlineData(BerTagClass.ContextSpecific, 30UL)]
    [InlineData(BerTagClass.ContextSpecific, 31UL)]
    [InlineData(BerTagClass.Private, 127UL)]
    [InlineData(BerTagClass.Private, 128UL)]
    [InlineData(BerTagClass.Application, 16384UL)]
    [InlineData(BerTagClass.ContextSpecific, (1UL << 49) - 1)]
    public void Create_TagOfAtMostEightOctets_PacksItsIdentifierOctets(BerTagClass tagClass, ulong number)
    {
        var tag = new BerTag(tagClass, number);
        byte[] expected = new byte[BerEncoder.MaxTagLength];
        int length = BerEncoder.WriteTag(expected, tag);

        EncodedTag encoded = EncodedTag.Create(tag);

        Assert.Equal(length, encoded.Length);
        Assert.Equal(expected[0], encoded.FirstOctet);
        byte[] word = BitConverter.GetBytes(encoded.Octets);
        Assert.Equal(expected.AsSpan(0, length).ToArray(), word.AsSpan(0, length).ToArray());
        Assert.All(word.AsSpan(length).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Create_TagOfNineOctets_HasNoPackedForm()
    {
        Assert.Equal(0, EncodedTag.Create(new BerTag(BerTagClass.ContextSpecific, 1UL << 49)).Length);
    }

    [Fact]
    public void WriteInteger_PackedTag_EqualsTheGeneralWriteForRandomTagsAndValues()
    {
        var random = new Random(1);
        for (int i = 0; i < 5000; i++)
        {
            BerTag tag = RandomTag(random);
            EncodedTag encoded = EncodedTag.Create(tag);
            long value = RandomSigned(random);

            Assert.Equal(
                Written((ref BerWriter w) => w.WriteInteger(value, tag)),
                Written((ref BerWriter w) => w.WriteInteger(encoded, value)));
        }
    }

    [Fact]
    public void WriteUnsigned_PackedTag_EqualsTheGeneralWriteIncludingNineOctetValues()
    {
        var random = new Random(2);
        ulong[] edges = [0, 127, 128, long.MaxValue, 1UL << 63, ulong.MaxValue];
        for (int i = 0; i < 5000; i++)
        {
            BerTag tag = RandomTag(random);
            EncodedTag encoded = EncodedTag.Create(tag);
            ulong value = i < edges.Length ? edges[i] : (ulong)random.NextInt64() << random.Next(2);

            Assert.Equal(
                Written((ref BerWriter w) => w.WriteInteger(value, tag)),
                Written((ref BerWriter w) => w.WriteUnsigned(encoded, value)));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WriteBoolean_PackedTag_EqualsTheGeneralWrite(bool value)
    {
        foreach (BerTag tag in new[] { new BerTag(BerTagClass.ContextSpecific, 3), new BerTag(BerTagClass.Private, 300) })
        {
            Assert.Equal(
                Written((ref BerWriter w) => w.WriteBoolean(value, tag)),
                Written((ref BerWriter w) => w.WriteBoolean(EncodedTag.Create(tag), value)));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(300)]
    [InlineData(70000)]
    public void WriteOctetString_PackedTag_EqualsTheGeneralWriteOnEitherSideOfTheShortLengthLimit(int length)
    {
        byte[] content = new byte[length];
        new Random(length).NextBytes(content);
        foreach (BerTag tag in new[] { new BerTag(BerTagClass.ContextSpecific, 37), new BerTag(BerTagClass.Private, 5) })
        {
            Assert.Equal(
                Written((ref BerWriter w) => w.WriteOctetString(content, tag)),
                Written((ref BerWriter w) => w.WriteOctetString(EncodedTag.Create(tag), content)));
        }
    }

    [Fact]
    public void PushIndefinite_PackedTag_EqualsTheGeneralPush()
    {
        var tag = new BerTag(BerTagClass.ContextSpecific, 39, isConstructed: true);
        Assert.Equal(
            Written((ref BerWriter w) =>
            {
                w.PushConstructed(tag, indefiniteLength: true);
                w.WriteInteger(5);
                w.PopConstructed();
            }),
            Written((ref BerWriter w) =>
            {
                w.PushIndefinite(EncodedTag.Create(tag));
                w.WriteInteger(5);
                w.PopConstructed();
            }));
    }

    [Fact]
    public void WriteUnsignedElements_WritesEachValueAsAUniversalInteger()
    {
        ulong[] values = [0, 1, 255, 1UL << 40, 1UL << 63, ulong.MaxValue];
        Assert.Equal(
            Written((ref BerWriter w) =>
            {
                foreach (ulong v in values)
                {
                    w.WriteInteger(v);
                }
            }),
            Written((ref BerWriter w) => w.WriteUnsignedElements<ulong>(values)));
    }

    [Fact]
    public void WriteUnsignedElements_ManyElementsOfEveryWidth_EqualTheGeneralWritesInAnyOutput()
    {
        var random = new Random(4);
        ulong[] wide = Enumerable.Range(0, 1000).Select(i => (ulong)random.NextInt64() << random.Next(2) >> random.Next(64)).ToArray();
        uint[] narrow = wide.Select(v => (uint)v).ToArray();
        ushort[] short16 = wide.Select(v => (ushort)v).ToArray();

        foreach (bool minimal in new[] { false, true })
        {
            Assert.Equal(Written(Each(wide)), Written((ref BerWriter w) => w.WriteUnsignedElements<ulong>(wide), minimal ? new MinimalSpanWriter() : null));
            Assert.Equal(
                Written(Each(narrow.Select(v => (ulong)v))),
                Written((ref BerWriter w) => w.WriteUnsignedElements<uint>(narrow), minimal ? new MinimalSpanWriter() : null));
            Assert.Equal(
                Written(Each(short16.Select(v => (ulong)v))),
                Written((ref BerWriter w) => w.WriteUnsignedElements<ushort>(short16), minimal ? new MinimalSpanWriter() : null));
        }

        static PackedWrite Each(IEnumerable<ulong> values) => (ref BerWriter w) =>
        {
            foreach (ulong v in values)
            {
                w.WriteInteger(v);
            }
        };
    }

    [Fact]
    public void PackedWrites_IntoAnOutputThatGivesOnlyWhatIsAskedFor_AreUnchanged()
    {
        var random = new Random(3);
        var tags = Enumerable.Range(0, 200).Select(_ => RandomTag(random)).ToArray();
        long[] values = Enumerable.Range(0, 200).Select(_ => RandomSigned(random)).ToArray();
        void WriteAll(ref BerWriter w)
        {
            for (int i = 0; i < tags.Length; i++)
            {
                w.WriteInteger(EncodedTag.Create(tags[i]), values[i]);
            }
        }

        Assert.Equal(Written(WriteAll), Written(WriteAll, new MinimalSpanWriter()));
    }

    [Fact]
    public void PackedWrite_OutputReturningAShorterSpanThanRequested_Throws()
    {
        var ex = Record.Exception(() => Written(
            (ref BerWriter w) => w.WriteInteger(EncodedTag.Create(new BerTag(BerTagClass.ContextSpecific, 1)), 1),
            new ShortSpanWriter()));

        Assert.IsType<InvalidOperationException>(ex);
        Assert.Contains("at least", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreUnsigned_ThirtyTwoBitOverload_EqualsTheGeneralWriteForRandomTagsAndValues()
    {
        var random = new Random(5);
        uint[] edges = [0, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0x7FFFFFFF, 0x80000000, uint.MaxValue];
        for (int i = 0; i < 5000; i++)
        {
            BerTag tag = RandomTag(random);
            EncodedTag encoded = EncodedTag.Create(tag);
            uint value = i < edges.Length ? edges[i] : (uint)random.NextInt64() >> random.Next(32);

            Assert.Equal(
                Written((ref BerWriter w) => w.WriteInteger((ulong)value, tag)),
                Written((ref BerWriter w) => w.Advance(BerWriter.StoreUnsigned(ref w.ReserveValue(), encoded, value))));
        }
    }

    [Fact]
    public void StoreMethods_RunsOfMixedValuesBackToBack_EqualTheGeneralWritesInAnyOutput()
    {
        // Each store writes past its value (the tag word, the zero octet of a nine-octet value, the content word):
        // the next value must overwrite exactly that, in a roomy output and in one that gives only what is asked for.
        var random = new Random(6);
        var tags = Enumerable.Range(0, 400).Select(_ => RandomTag(random)).ToArray();
        ulong[] values = Enumerable.Range(0, 400).Select(_ => (ulong)random.NextInt64() << random.Next(2) >> random.Next(64)).ToArray();
        int[] kinds = Enumerable.Range(0, 400).Select(_ => random.Next(4)).ToArray();

        void General(ref BerWriter w)
        {
            for (int i = 0; i < tags.Length; i++)
            {
                switch (kinds[i])
                {
                    case 0: w.WriteInteger(values[i], tags[i]); break;
                    case 1: w.WriteInteger((ulong)(uint)values[i], tags[i]); break;
                    case 2: w.WriteInteger((long)values[i], tags[i]); break;
                    default: w.WriteBoolean((values[i] & 1) != 0, tags[i]); break;
                }
            }
        }

        void Packed(ref BerWriter w)
        {
            for (int i = 0; i < tags.Length; i++)
            {
                EncodedTag tag = EncodedTag.Create(tags[i]);
                ref byte start = ref w.ReserveValue();
                w.Advance(kinds[i] switch
                {
                    0 => BerWriter.StoreUnsigned(ref start, tag, values[i]),
                    1 => BerWriter.StoreUnsigned(ref start, tag, (uint)values[i]),
                    2 => BerWriter.StoreInteger(ref start, tag, (long)values[i]),
                    _ => BerWriter.StoreBoolean(ref start, tag, (values[i] & 1) != 0),
                });
            }
        }

        byte[] expected = Written(General);
        Assert.Equal(expected, Written(Packed));
        Assert.Equal(expected, Written(Packed, new MinimalSpanWriter()));
    }

    [Fact]
    public void StoreBoolean_RandomTags_EqualsTheGeneralWrite()
    {
        var random = new Random(7);
        for (int i = 0; i < 1000; i++)
        {
            BerTag tag = RandomTag(random);
            bool value = random.Next(2) == 1;
            Assert.Equal(
                Written((ref BerWriter w) => w.WriteBoolean(value, tag)),
                Written((ref BerWriter w) => w.Advance(BerWriter.StoreBoolean(ref w.ReserveValue(), EncodedTag.Create(tag), value))));
        }
    }

    private static BerTag RandomTag(Random random)
    {
        ulong number = random.Next(4) switch
        {
            0 => (ulong)random.Next(31),
            1 => (ulong)random.Next(31, 128),
            2 => (ulong)random.Next(128, 1 << 21),
            _ => (ulong)random.NextInt64(1L << 49),
        };
        return new BerTag(Classes[random.Next(Classes.Length)], number);
    }

    private static long RandomSigned(Random random) =>
        random.NextInt64() >> random.Next(64) ^ (random.Next(2) == 0 ? 0 : -1L);

    /// <summary>Gives spans exactly as long as each request, so that every capacity check of the writer is exercised.</summary>
    private sealed class MinimalSpanWriter : IBufferWriter<byte>
    {
        private readonly List<byte> _written = [];
        private byte[] _current = [];

        public byte[] Written => [.. _written];

        public void Advance(int count) => _written.AddRange(_current.AsSpan(0, count).ToArray());

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, 1)];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    /// <summary>Breaks the <see cref="IBufferWriter{T}"/> contract by returning fewer bytes than requested.</summary>
    private sealed class ShortSpanWriter : IBufferWriter<byte>
    {
        public void Advance(int count)
        {
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => new byte[4];

        public Span<byte> GetSpan(int sizeHint = 0) => new byte[4];
    }
}
