using System.Text;

namespace MigrationFormat.Qemu.Tests;

public class VmDescriptionTests
{
    private static VmDescription Parse(string json) => VmDescription.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_PausedFixtureTrailer_GivesDevicesInStreamOrder()
    {
        VmDescription description = Fixtures.ReadAll(Fixtures.Stream("pc-serial-paused")).OfType<QemuVmDescriptionRecord>().Single().Description!;

        Assert.Equal(
            (4096, 31, "timer", "globalstate"),
            (description.PageSize, description.Devices.Count, description.Devices[0].Name, description.Devices[^1].Name));
    }

    [Fact]
    public void Parse_FixtureField_HasNameTypeSizeAndArrayLength()
    {
        VmDescription description = Fixtures.ReadAll(Fixtures.Stream("pc-serial-paused")).OfType<QemuVmDescriptionRecord>().Single().Description!;
        VmFieldDescription irqCount = description.FindDevice("PCIBUS", 0)!.Fields.Single(f => f.Name == "irq_count");

        Assert.Equal(("int32", 4, (int?)4, (int?)null), (irqCount.Type, irqCount.Size, irqCount.ArrayLength, irqCount.Index));
    }

    [Fact]
    public void Parse_FixtureStructField_HasTheNestedDescription()
    {
        VmDescription description = Fixtures.ReadAll(Fixtures.Stream("pc-serial-paused")).OfType<QemuVmDescriptionRecord>().Single().Description!;
        VmFieldDescription state = description.FindDevice("serial", 0)!.Fields.Single();

        Assert.Equal(("struct", "serial", 11), (state.Type, state.Struct?.VmsdName, state.Size));
    }

    [Fact]
    public void Parse_OldStyleSection_HasDeviceSizeAndOneBufferField()
    {
        VmDescription description = Fixtures.ReadAll(Fixtures.Stream("pc-devices")).OfType<QemuVmDescriptionRecord>().Single().Description!;
        VmDeviceDescription slirp = description.FindDevice("slirp", 0)!;

        Assert.Equal(((long?)131, (string?)null, "data", "buffer"), (slirp.Size, slirp.VmsdName, slirp.Fields.Single().Name, slirp.Fields.Single().Type));
    }

    [Fact]
    public void FindDevice_RepeatedNameAndInstance_LastEntryWins()
    {
        VmDescription description = Parse(
            """{"page_size": 4096, "devices": [{"name": "a", "instance_id": 0, "fields": []}, {"name": "a", "instance_id": 0, "fields": """
            + """[{"name": "x", "type": "uint8", "size": 1}]}]}""");

        Assert.Single(description.FindDevice("a", 0)!.Fields);
    }

    [Fact]
    public void FindDevice_UnknownPair_ReturnsNull()
    {
        Assert.Null(Parse("""{"page_size": 4096, "devices": []}""").FindDevice("serial", 0));
    }

    [Fact]
    public void Parse_NotJson_ThrowsInvalidEncodingWithOffset()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => VmDescription.Parse("{\"page_size\": 4096, oops}"u8.ToArray(), baseOffset: 1000));

        Assert.Equal((MigrationErrorKind.InvalidEncoding, 1020L), (ex.Kind, ex.Offset));
    }

    [Fact]
    public void Parse_SizeIsAString_ThrowsWithThePathOfTheField()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => Parse(
            """{"page_size": 4096, "devices": [{"name": "a", "instance_id": 0, "fields": [{"name": "x", "type": "uint8", "size": "1"}]}]}"""));

        Assert.Equal((MigrationErrorKind.UnexpectedValue, "devices[0].fields[0].size"), (ex.Kind, ex.FieldPath));
    }

    [Fact]
    public void Parse_DevicesIsNotAnArray_ThrowsAtItsOffset()
    {
        const string json = """{"page_size": 4096, "devices": {}}""";
        var ex = Assert.Throws<MigrationFormatException>(() => Parse(json));

        Assert.Equal(((long)json.IndexOf("{}", StringComparison.Ordinal), "devices"), (ex.Offset, ex.FieldPath));
    }

    [Fact]
    public void Parse_MissingInstanceId_Throws()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => Parse("""{"page_size": 4096, "devices": [{"name": "a", "fields": []}]}"""));

        Assert.Equal("devices[0].instance_id", ex.FieldPath);
    }

    [Fact]
    public void Parse_PageSizeNotAPowerOfTwo_Throws()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => Parse("""{"page_size": 4095, "devices": []}"""));

        Assert.Equal("page_size", ex.FieldPath);
    }

    [Fact]
    public void Parse_NegativeArrayLength_Throws()
    {
        var ex = Assert.Throws<MigrationFormatException>(() => Parse(
            """{"page_size": 4096, "devices": [{"name": "a", "instance_id": 0, "fields": [{"name": "x", "type": "uint8", "size": 1, "array_len": -3}]}]}"""));

        Assert.Equal("devices[0].fields[0].array_len", ex.FieldPath);
    }

    [Fact]
    public void Parse_DeeplyNestedJson_ThrowsInsteadOfRecursing()
    {
        string json = new string('[', 100_000) + new string(']', 100_000);

        var ex = Assert.Throws<MigrationFormatException>(() => Parse(json));

        Assert.Equal(MigrationErrorKind.InvalidEncoding, ex.Kind);
    }

    [Fact]
    public void Parse_TrailingGarbage_Throws()
    {
        Assert.Throws<MigrationFormatException>(() => Parse("""{"page_size": 4096, "devices": []} x"""));
    }

    [Fact]
    public void Parse_InvalidUtf8_Throws()
    {
        byte[] json = [.. """{"page_size": 4096, "devices": [], "x": """u8, 0xff, .. "\"}"u8];

        var ex = Assert.Throws<MigrationFormatException>(() => VmDescription.Parse(json));

        Assert.Equal(MigrationErrorKind.InvalidEncoding, ex.Kind);
    }

    [Fact]
    public void GetPayloadLength_DeviceWithSubsection_CountsItsFraming()
    {
        VmDescription description = Parse(SyntheticStreams.SerialDescription);

        Assert.Equal(SyntheticStreams.SerialPayload().Length, description.Devices[0].GetPayloadLength());
    }

    [Fact]
    public void GetPayloadLength_Overflowing_ThrowsLimitExceeded()
    {
        VmDescription description = Parse(
            """{"page_size": 4096, "devices": [{"name": "a", "instance_id": 0, "fields": [{"name": "x", "type": "buffer", "size": 2147483647, "array_len": """
            + """2147483647}, {"name": "y", "type": "buffer", "size": 2147483647, "array_len": 2147483647}, {"name": "z", "type": "buffer", "size": """
            + """2147483647, "array_len": 2147483647}]}]}""");

        var ex = Assert.Throws<MigrationFormatException>(() => description.Devices[0].GetPayloadLength());

        Assert.Equal(MigrationErrorKind.LimitExceeded, ex.Kind);
    }
}
