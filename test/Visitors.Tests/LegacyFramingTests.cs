using System.Buffers;

namespace MigrationFormat.Visitors.Tests;

/// <summary>Lists and byte strings whose legacy framing is QEMU's: a count the device knows, or markers around elements.</summary>
public class LegacyFramingTests
{
    /// <summary>
    /// A device with a byte string and a list whose lengths follow from a count field (as QEMU's VBUFFER and VARRAY do), and a
    /// list of variable-length elements framed by markers (as slirp's sockets are).
    /// </summary>
    private sealed class Framed : IDeviceState, ILegacyListCounter
    {
        public static readonly DeviceType DeviceType = new("framed", "urn:test:framed", 1, 1, _ => new Framed());

        public byte Count;
        public byte[] Bytes = [];
        public List<ushort> Words = [];
        public List<byte[]> Items = [];

        public DeviceType Type => DeviceType;

        public int Version => 1;

        public void Visit<TVisitor>(ref TVisitor v)
            where TVisitor : IStateVisitor, allows ref struct
        {
            v.Field(Fields.Count, ref Count);
            Array.Resize(ref Bytes, Count);
            v.Field(Fields.Bytes, ref Bytes);
            int words = v.BeginList(Fields.Words, Count);
            if (words >= 0)
            {
                Resize<ushort>(Words, words, () => 0);
                for (int i = 0; i < words; i++)
                {
                    ushort word = Words[i];
                    v.BeginElement();
                    v.Field(Fields.Word, ref word);
                    v.EndElement();
                    Words[i] = word;
                }

                v.EndList();
            }

            int items = v.BeginList(Fields.Items, Items.Count);
            if (items >= 0)
            {
                Resize(Items, items, () => []);
                for (int i = 0; i < items; i++)
                {
                    byte[] item = Items[i];
                    v.BeginElement();
                    v.Field(Fields.Item, ref item);
                    v.EndElement();
                    Items[i] = item;
                }

                v.EndList();
            }
        }

        // Each item is a be32 length and its bytes after the marker 42; the list ends with 0.
        public int CountLegacyElements(ListSpec list, ReadOnlySpan<byte> data, int streamVersion)
        {
            int count = 0;
            while (!data.IsEmpty && data[0] == 42)
            {
                if (data.Length < 5 || System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data[1..]) > (uint)(data.Length - 5))
                {
                    return -1;
                }

                data = data[(5 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data[1..]))..];
                count++;
            }

            return !data.IsEmpty && data[0] == 0 ? count : -1;
        }

        private static void Resize<T>(List<T> list, int count, Func<T> create)
        {
            while (list.Count > count)
            {
                list.RemoveAt(list.Count - 1);
            }

            while (list.Count < count)
            {
                list.Add(create());
            }
        }

        public static class Fields
        {
            private static readonly FieldSet Root = new("framed");
            public static readonly FieldSpec<byte> Count = Root.UInt8("count", 0);
            public static readonly FieldSpec<byte[]> Bytes = Root.Bytes("bytes", 1, maxLength: 255, legacyFraming: LegacyFraming.Implied);
            public static readonly ListSpec Words = Root.List("words", 2, maxCount: 255, legacyFraming: LegacyFraming.Implied);
            public static readonly FieldSpec<ushort> Word = Words.Members.UInt16("word", 0);
            public static readonly ListSpec Items = Root.List("items", 3, legacyFraming: LegacyFraming.Markers(42, 0));
            public static readonly FieldSpec<byte[]> Item = Items.Members.Bytes("item", 0);
        }
    }

    private static Framed Busy() => new() { Count = 2, Bytes = [0xAA, 0xBB], Words = [0x0102, 0x0304], Items = [[7], [8, 9]] };

    [Fact]
    public void Save_ImpliedAndMarkerFraming_WritesNoCountsAndTheMarkers()
    {
        byte[] payload = LegacyDeviceSerializer.Save(Busy());

        Assert.Equal("02" + "AABB" + "0102" + "0304" + "2A" + "00000001" + "07" + "2A" + "00000002" + "0809" + "00", Convert.ToHexString(payload));
    }

    [Fact]
    public void SaveThenLoad_ImpliedAndMarkerFraming_RestoresEveryValue()
    {
        var loaded = new Framed();

        LegacyDeviceSerializer.Load(loaded, LegacyDeviceSerializer.Save(Busy()), streamVersion: 1);

        Assert.Equal(2, loaded.Count);
        Assert.Equal([0xAA, 0xBB], loaded.Bytes);
        Assert.Equal([0x0102, 0x0304], loaded.Words);
        Assert.Equal([[7], [8, 9]], loaded.Items);
    }

    [Fact]
    public void SaveThenLoad_BerForm_CarriesTheCountsItself()
    {
        var output = new ArrayBufferWriter<byte>();
        BerDeviceSerializer.Save(Busy(), output);
        var loaded = new Framed();

        new BerDeviceSerializer().Load(loaded, output.WrittenMemory, 1);

        Assert.Equal([[7], [8, 9]], loaded.Items);
        Assert.Equal([0x0102, 0x0304], loaded.Words);
    }

    [Fact]
    public void Load_WrongElementMarker_FailsAtTheMarkerAndChangesNothing()
    {
        byte[] payload = LegacyDeviceSerializer.Save(Busy());
        payload[^1] = 0x01;
        var loaded = new Framed { Count = 9 };

        var ex = Assert.Throws<MigrationFormatException>(() => LegacyDeviceSerializer.Load(loaded, payload, streamVersion: 1));

        Assert.Equal((MigrationErrorKind.UnexpectedValue, "items"), (ex.Kind, ex.FieldPath));
        Assert.Equal(9, loaded.Count);
    }

    [Fact]
    public void Load_TruncatedImpliedBytes_IsTruncated()
    {
        byte[] payload = LegacyDeviceSerializer.Save(Busy());

        var ex = Assert.Throws<MigrationFormatException>(() => LegacyDeviceSerializer.Load(new Framed(), payload.AsSpan(0, 2), streamVersion: 1));

        Assert.Equal(MigrationErrorKind.Truncated, ex.Kind);
    }

    [Fact]
    public void Load_MarkerListWithoutACounter_FailsClearly()
    {
        byte[] payload = LegacyDeviceSerializer.Save(Busy());
        var visitor = new LegacyInputVisitor(payload, 1, 1, "framed");
        var device = new Framed();

        MigrationFormatException? ex = null;
        try
        {
            device.Visit(ref visitor);
        }
        catch (MigrationFormatException e)
        {
            ex = e;
        }

        Assert.NotNull(ex);
        Assert.Contains("markers", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Declare_BytesFramedByMarkers_IsRejected()
    {
        var set = new FieldSet("x");

        Assert.Throws<ArgumentException>(() => set.Bytes("b", 0, legacyFraming: LegacyFraming.Markers(1, 0)));
    }

    [Fact]
    public void Markers_SameElementAndEndByte_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => LegacyFraming.Markers(5, 5));
    }
}
