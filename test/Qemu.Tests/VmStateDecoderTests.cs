using System.Text;

namespace MigrationFormat.Qemu.Tests;

public class VmStateDecoderTests
{
    private static VmDeviceDescription Device(string fieldsAndSubsections) =>
        VmDescription.Parse(
            Encoding.UTF8.GetBytes(
                $$"""{"page_size": 4096, "devices": [{"name": "d", "instance_id": 0, "vmsd_name": "d", "version": 1, {{fieldsAndSubsections}}}]}"""))
            .Devices[0];

    private static VmDeviceDescription Serial() => VmDescription.Parse(Encoding.UTF8.GetBytes(SyntheticStreams.SerialDescription)).Devices[0];

    [Fact]
    public void Decode_SerialPayload_GivesNamedValuesInOrder()
    {
        VmStateStruct state = VmStateDecoder.Decode(Serial(), SyntheticStreams.SerialPayload(), baseOffset: 100);

        Assert.Equal(["divider", "lcr", "data", "serial/extra"], state.Members.Select(m => m.Name));
    }

    [Fact]
    public void Decode_SerialPayload_ReadsIntegersBigEndian()
    {
        VmStateStruct state = VmStateDecoder.Decode(Serial(), SyntheticStreams.SerialPayload());

        Assert.Equal((12UL, 3UL), (((VmStateInteger)state["divider"]!).UnsignedValue, ((VmStateInteger)state["lcr"]!).UnsignedValue));
    }

    [Fact]
    public void Decode_Subsection_KeepsItsStreamVersionAndSignedValue()
    {
        var extra = (VmStateStruct)VmStateDecoder.Decode(Serial(), SyntheticStreams.SerialPayload())["serial/extra"]!;

        Assert.Equal(
            ((uint?)1, -2L, "0xfffffffe (-2)"),
            (extra.StreamVersion, ((VmStateInteger)extra["value"]!).SignedValue, AnalyzerJsonWriter.FormatInteger((VmStateInteger)extra["value"]!)));
    }

    [Fact]
    public void Decode_Values_CarryAbsoluteOffsets()
    {
        VmStateStruct state = VmStateDecoder.Decode(Serial(), SyntheticStreams.SerialPayload(), baseOffset: 100);

        Assert.Equal((100L, 102L, 103L, 107L), (state["divider"]!.Offset, state["lcr"]!.Offset, state["data"]!.Offset, state["serial/extra"]!.Offset));
    }

    [Fact]
    public void Decode_PayloadLongerThanDescribed_ThrowsAtTheFirstExtraByte()
    {
        byte[] payload = [.. SyntheticStreams.SerialPayload(), 0x7e];

        var ex = Assert.Throws<MigrationFormatException>(() => VmStateDecoder.Decode(Serial(), payload, baseOffset: 1000));

        Assert.Equal((MigrationErrorKind.UnexpectedValue, 1000L + payload.Length - 1), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Decode_PayloadShorterThanDescribed_ThrowsTruncatedWithTheFieldPath()
    {
        byte[] payload = SyntheticStreams.SerialPayload()[..^2];

        var ex = Assert.Throws<MigrationFormatException>(() => VmStateDecoder.Decode(Serial(), payload, baseOffset: 1000));

        Assert.Equal((MigrationErrorKind.Truncated, "serial/extra.value", 1000L + payload.Length - 2), (ex.Kind, ex.FieldPath, ex.Offset));
    }

    [Fact]
    public void Decode_MissingSubsectionMarker_ThrowsWithItsName()
    {
        byte[] payload = SyntheticStreams.SerialPayload();
        payload[7] = 0x7e;

        var ex = Assert.Throws<MigrationFormatException>(() => VmStateDecoder.Decode(Serial(), payload));

        Assert.Equal(("serial/extra", 7L), (ex.FieldPath, ex.Offset));
    }

    [Fact]
    public void Decode_SubsectionWithAnotherName_Throws()
    {
        byte[] payload = SyntheticStreams.SerialPayload();
        payload[9] = (byte)'S';

        var ex = Assert.Throws<MigrationFormatException>(() => VmStateDecoder.Decode(Serial(), payload));

        Assert.Contains("Serial/extra", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_StructSizeDisagreesWithItsFields_Throws()
    {
        VmDeviceDescription device = Device("""
            "fields": [{"name": "s", "type": "struct",
                "struct": {"vmsd_name": "s", "version": 1, "fields": [{"name": "a", "type": "uint8", "size": 1}]}, "size": 2}]
            """);

        var ex = Assert.Throws<MigrationFormatException>(() => VmStateDecoder.Decode(device, new byte[] { 1, 2 }));

        Assert.Equal((MigrationErrorKind.UnexpectedValue, "s", 0L), (ex.Kind, ex.FieldPath, ex.Offset));
    }

    [Fact]
    public void Decode_StructArrayWithNestedSubsection_GivesPathsWithIndexes()
    {
        VmDeviceDescription device = Device("""
            "fields": [{"name": "drives", "index": 0, "type": "struct",
                "struct": {"vmsd_name": "fdrive", "version": 1, "fields": [{"name": "head", "type": "uint8", "size": 1}],
                    "subsections": [{"vmsd_name": "fdrive/r", "version": 1, "fields": [{"name": "r", "type": "uint8", "size": 1}]}]},
                "size": 15}]
            """);
        byte[] payload = [7, 5, 8, .. "fdrive/r"u8, 0, 0, 0, 1];

        var ex = Assert.Throws<MigrationFormatException>(() => VmStateDecoder.Decode(device, payload));

        Assert.Equal("drives[0].fdrive/r.r", ex.FieldPath);
    }

    [Fact]
    public void Decode_CompressedArray_GivesOneElementPerArrayLength()
    {
        VmDeviceDescription device = Device("""
            "fields": [{"name": "irq_count", "array_len": 3, "type": "int32", "size": 4}]
            """);

        var array = (VmStateArray)VmStateDecoder.Decode(device, new byte[12])["irq_count"]!;

        Assert.Equal((3, 12), (array.Elements.Count, array.Length));
    }

    [Fact]
    public void Decode_IndexOutOfOrder_Throws()
    {
        VmDeviceDescription device = Device("""
            "fields": [{"name": "x", "index": 1, "type": "uint8", "size": 1}, {"name": "x", "index": 0, "type": "uint8", "size": 1}]
            """);

        var ex = Assert.Throws<MigrationFormatException>(() => VmStateDecoder.Decode(device, new byte[2]));

        Assert.Equal("x[1]", ex.FieldPath);
    }

    [Fact]
    public void Decode_NullPointerStruct_GivesTheMarker()
    {
        VmDeviceDescription device = Device("""
            "fields": [{"name": "p", "index": 0, "type": "struct", "struct": {}, "size": 1}]
            """);

        var array = (VmStateArray)VmStateDecoder.Decode(device, new byte[] { 0x30 })["p"]!;

        Assert.IsType<VmStateNullPointer>(array.Elements.Single());
    }

    [Fact]
    public void Decode_NullPointerStructWithAnotherByte_Throws()
    {
        VmDeviceDescription device = Device("""
            "fields": [{"name": "p", "type": "struct", "struct": {}, "size": 1}]
            """);

        Assert.Throws<MigrationFormatException>(() => VmStateDecoder.Decode(device, new byte[] { 0x31 }));
    }

    [Fact]
    public void Decode_ZeroSizeElementsByTheBillion_ThrowsLimitExceeded()
    {
        VmDeviceDescription device = Device("""
            "fields": [{"name": "x", "array_len": 2000000000, "type": "buffer", "size": 0}]
            """);

        var ex = Assert.Throws<MigrationFormatException>(() => VmStateDecoder.Decode(device, ReadOnlyMemory<byte>.Empty));

        Assert.Equal(MigrationErrorKind.LimitExceeded, ex.Kind);
    }

    [Fact]
    public void Decode_IntegerWiderThan8Bytes_Throws()
    {
        VmDeviceDescription device = Device("""
            "fields": [{"name": "x", "type": "uint64", "size": 9}]
            """);

        Assert.Throws<MigrationFormatException>(() => VmStateDecoder.Decode(device, new byte[9]));
    }

    [Fact]
    public void Decode_UnknownType_GivesRawBytesOfTheDescribedSize()
    {
        VmDeviceDescription device = Device("""
            "fields": [{"name": "cfg", "type": "pci config", "size": 3}]
            """);

        var bytes = (VmStateBytes)VmStateDecoder.Decode(device, new byte[] { 1, 2, 3 })["cfg"]!;

        Assert.Equal(("pci config", "010203"), (bytes.TypeName, Convert.ToHexString(bytes.Bytes.Span)));
    }

    [Fact]
    public void Decode_RepeatedName_KeepsTheFirstPositionAndTheLastValue()
    {
        VmDeviceDescription device = Device("""
            "fields": [{"name": "a", "type": "uint8", "size": 1}, {"name": "b", "type": "uint8", "size": 1}, {"name": "a", "type": "uint8", "size": 1}]
            """);

        VmStateStruct state = VmStateDecoder.Decode(device, new byte[] { 1, 2, 3 });

        Assert.Equal(("a", 3UL), (state.Members[0].Name, ((VmStateInteger)state.Members[0].Value).RawValue));
    }

    [Fact]
    public void Decode_ArrayWhoseLastElementHasNoIndex_GivesEveryElement()
    {
        // QEMU 9.1 and later write no "index" on the last element of an array of structures with subsections.
        VmDeviceDescription device = Device("""
            "fields": [
                {"name": "s", "index": 0, "type": "struct",
                 "struct": {"vmsd_name": "e", "version": 1, "fields": [{"name": "x", "type": "uint8", "size": 1}]}, "size": 1},
                {"name": "s", "type": "struct",
                 "struct": {"vmsd_name": "e", "version": 1, "fields": [{"name": "x", "type": "uint8", "size": 1}]}, "size": 1}]
            """);

        var array = (VmStateArray)VmStateDecoder.Decode(device, new byte[] { 7, 9 })["s"]!;

        Assert.Equal([7UL, 9UL], array.Elements.Select(e => ((VmStateInteger)((VmStateStruct)e)["x"]!).RawValue));
        Assert.Equal((1, true), (device.Fields[1].Index, device.Fields[1].IsIndexInferred));
    }

    [Fact]
    public void Decode_NullptrField_IsANullPointer()
    {
        VmDeviceDescription device = Device("""
            "fields": [{"name": "p", "array_len": 2, "type": "nullptr", "size": 1}]
            """);

        var array = (VmStateArray)VmStateDecoder.Decode(device, "00"u8.ToArray())["p"]!;

        Assert.All(array.Elements, e => Assert.IsType<VmStateNullPointer>(e));
    }

    [Fact]
    public void Decode_NullptrFieldThatIsNotTheMarker_FailsAtTheByte()
    {
        VmDeviceDescription device = Device("""
            "fields": [{"name": "a", "type": "uint8", "size": 1}, {"name": "p", "type": "nullptr", "size": 1}]
            """);

        var ex = Assert.Throws<MigrationFormatException>(() => VmStateDecoder.Decode(device, new byte[] { 1, 0 }, baseOffset: 10));

        Assert.Equal((MigrationErrorKind.UnexpectedValue, 11L, "p"), (ex.Kind, ex.Offset, ex.FieldPath));
    }

    [Fact]
    public void Decode_BoolNonZero_IsTrue()
    {
        VmDeviceDescription device = Device("""
            "fields": [{"name": "b", "type": "bool", "size": 1}]
            """);

        Assert.True(((VmStateBoolean)VmStateDecoder.Decode(device, new byte[] { 2 })["b"]!).Value);
    }

    [Fact]
    public void Decode_EveryFixtureSection_Succeeds()
    {
        int decoded = 0;
        foreach (string name in Fixtures.Names)
        {
            using var reader = new QemuStreamReader(new MemoryStream(Fixtures.Stream(name)));
            foreach (QemuSectionRecord section in reader.ReadAll().OfType<QemuSectionRecord>().Where(s => s.Kind == QemuRecordKind.SectionFull))
            {
                VmStateStruct state = VmStateDecoder.Decode(reader.Description!.FindDevice(section.IdStr, section.InstanceId)!, section.Payload);
                decoded += state.Length == section.Payload.Length ? 1 : 0;
            }
        }

        // The device sections of pc-serial-paused, pc-serial, q35-basic, pc-devices, then of the virtio machines.
        Assert.Equal(31 + 31 + 30 + 36 + 35 + 34 + 35 + 34 + 35 + 34, decoded);
    }
}
