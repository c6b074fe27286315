namespace MigrationFormat.Configuration.Tests;

/// <summary>
/// Each stream section carries the device's model and effective configuration, and a destination checks it before
/// it loads the state, failing early naming the mismatch (docs/catalog.md §3).
/// </summary>
public class StreamConfigurationTests
{
    private static Gadget Busy(DeviceType type, string configuration, uint seed = 5)
    {
        var device = (Gadget)type.Create(configuration);
        device.Fill(seed);
        return device;
    }

    private static MigrationFormatException LoadFails(byte[] stream, Gadget destination)
    {
        string before = destination.Describe();
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() => GadgetHost.Load(stream, destination));
        Assert.Equal(before, destination.Describe());
        return error;
    }

    [Fact]
    public void ReadSection_SectionOfAConfiguredDevice_CarriesItsModelAndEveryParameterWithItsFlag()
    {
        byte[] stream = GadgetHost.Save(Busy(GadgetHost.Type(), "version=2,table-size=8,label=x"));

        using var reader = new MigrationStreamReader(stream);
        Assert.True(reader.TryReadSection(out SectionHeader section));

        ConfigurationRecord record = Assert.IsType<ConfigurationRecord>(section.Configuration);
        Assert.Equal(Gadget.Model, record.Model);
        Assert.Equal("version=2,filter=on,table-size=8,label=x", record.ToString());
        Assert.Equal([true, true, true, false], record.Items.Select(i => i.MustParse));
        Assert.True(section.ConfigurationOffset > section.Offset);
    }

    [Fact]
    public void LoadSection_SameConfiguration_LoadsEveryField()
    {
        DeviceType type = GadgetHost.Type();
        Gadget source = Busy(type, "version=2,table-size=8,label=x");

        Gadget destination = Busy(type, "version=2,table-size=8,label=x", seed: 9);
        LoadReport report = GadgetHost.Load(GadgetHost.Save(source), destination);

        Assert.Equal(source.Describe(), destination.Describe());
        Assert.Empty(report.IgnoredParameters);
        Assert.Empty(report.DifferingParameters);
    }

    [Fact]
    public void LoadSection_MustParseParameterWithAnotherValue_FailsBeforeTheStateNamingTheParameter()
    {
        DeviceType type = GadgetHost.Type();
        byte[] stream = GadgetHost.Save(Busy(type, "version=2,table-size=8"));

        MigrationFormatException error = LoadFails(stream, Busy(type, "version=2,table-size=4", seed: 9));

        Assert.Equal(MigrationErrorKind.ConfigurationMismatch, error.Kind);
        Assert.Equal("configuration.table-size", error.FieldPath);
        Assert.Equal(("gadget", 2, 2), (error.Device, error.SourceVersion, error.DestinationVersion));
        Assert.Contains("the state was saved with table-size=8, this device has table-size=4", error.Message, StringComparison.Ordinal);
        using var reader = new MigrationStreamReader(stream);
        reader.TryReadSection(out SectionHeader section);
        Assert.Equal(section.ConfigurationOffset, error.Offset);
    }

    [Fact]
    public void LoadSection_MustParseParameterTheDestinationDoesNotKnow_Fails()
    {
        byte[] stream = GadgetHost.Save(Busy(GadgetHost.Type(), "filter=on"));

        MigrationFormatException error = LoadFails(stream, Busy(GadgetHost.Type(filter: false), "version=2", seed: 9));

        Assert.Equal((MigrationErrorKind.ConfigurationMismatch, "configuration.filter"), (error.Kind, error.FieldPath));
        Assert.Contains("does not know it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadSection_SkippableParameterTheDestinationDoesNotKnow_IsIgnoredAndReported()
    {
        Gadget source = Busy(GadgetHost.Type(), "version=2,label=left");

        Gadget destination = Busy(GadgetHost.Type(label: false), "version=2", seed: 9);
        LoadReport report = GadgetHost.Load(GadgetHost.Save(source), destination);

        Assert.Equal(["label=left"], report.IgnoredParameters);
        Assert.Equal(source.Describe(), destination.Describe());
    }

    [Fact]
    public void LoadSection_SkippableParameterWithAnotherValue_LoadsAndReportsTheDifference()
    {
        DeviceType type = GadgetHost.Type();
        Gadget destination = Busy(type, "version=2,label=right", seed: 9);

        LoadReport report = GadgetHost.Load(GadgetHost.Save(Busy(type, "version=2,label=left")), destination);

        Assert.Equal(["label: left in the stream, right here"], report.DifferingParameters);
        Assert.Equal("right", destination.Configuration.GetText("label"));
    }

    [Fact]
    public void LoadSection_ValueTheDestinationDoesNotTake_Fails()
    {
        byte[] stream = GadgetHost.Save(Busy(GadgetHost.Type(tableSizes: [0, 4, 8, 16]), "version=2,table-size=16"));

        MigrationFormatException error = LoadFails(stream, Busy(GadgetHost.Type(), "version=2", seed: 9));

        Assert.Equal((MigrationErrorKind.ConfigurationMismatch, "configuration.table-size"), (error.Kind, error.FieldPath));
        Assert.Contains("takes one of 0, 4, 8 here; the state was saved with '16'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadSection_AnotherModelOfTheSameId_Fails()
    {
        byte[] stream = GadgetHost.Save(Busy(GadgetHost.Type(model: "urn:test:other-gadget"), "version=2"));

        MigrationFormatException error = LoadFails(stream, Busy(GadgetHost.Type(), "version=2", seed: 9));

        Assert.Equal((MigrationErrorKind.ConfigurationMismatch, "configuration"), (error.Kind, error.FieldPath));
        Assert.Contains("urn:test:other-gadget", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadSection_VersionsImplyingDifferentLayoutValues_LeaveItToTheFieldRules()
    {
        // Version 1 implies filter=off, so its sections carry filter as skippable; a version 2 destination with the
        // filter loads the older state with the filter defaulted, as any field a newer version adds.
        DeviceType type = GadgetHost.Type();
        Gadget destination = Busy(type, "version=2", seed: 9);

        LoadReport report = GadgetHost.Load(GadgetHost.Save(Busy(type, "version=1")), destination);

        Assert.Equal(["filter: off in the stream, on here"], report.DifferingParameters);
        Assert.Contains("gadget.filter [1]", report.DefaultedFields);
    }

    [Fact]
    public void LoadSection_StreamWithoutConfiguration_LoadsByTheFieldRulesAlone()
    {
        DeviceType type = GadgetHost.Type();
        Gadget source = Busy(type, "version=2");
        byte[] stream = GadgetHost.Save(includeConfiguration: false, source);

        using (var reader = new MigrationStreamReader(stream))
        {
            reader.TryReadSection(out SectionHeader section);
            Assert.Null(section.Configuration);
        }

        Gadget destination = Busy(type, "version=2", seed: 9);
        GadgetHost.Load(stream, destination);
        Assert.Equal(source.Describe(), destination.Describe());
    }

    [Fact]
    public void CreateFor_SectionWithAConfiguration_CreatesTheDeviceItNeeds()
    {
        DeviceType type = GadgetHost.Type();
        Gadget source = Busy(type, "table-size=8,filter=off,label=far");
        var catalog = new DeviceCatalog().Add(type);

        using var reader = new MigrationStreamReader(GadgetHost.Save(source));
        IReadOnlyList<SectionLoadResult> results = reader.LoadAll(catalog.CreateFor);

        var loaded = Assert.IsType<Gadget>(Assert.Single(results).Device);
        Assert.Equal(source.Configuration, loaded.Configuration);
        Assert.Equal(source.Describe(), loaded.Describe());
    }

    [Fact]
    public void CreateFor_SkippableItemsTheHostDoesNotKnow_AreLeftOut()
    {
        byte[] stream = GadgetHost.Save(Busy(GadgetHost.Type(), "version=2,label=far"));
        var catalog = new DeviceCatalog().Add(GadgetHost.Type(label: false));

        using var reader = new MigrationStreamReader(stream);
        SectionLoadResult result = Assert.Single(reader.LoadAll(catalog.CreateFor));

        Assert.Equal("version=2,filter=on,table-size=0", result.Device!.Configuration.ToRecord().ToString());
        Assert.Equal(["label=far"], result.Report!.IgnoredParameters);
    }

    [Fact]
    public void CreateFor_MustParseItemTheHostDoesNotTake_FailsNamingIt()
    {
        byte[] stream = GadgetHost.Save(Busy(GadgetHost.Type(tableSizes: [0, 4, 8, 16]), "version=2,table-size=16"));
        var catalog = new DeviceCatalog().Add(GadgetHost.Type());

        using var reader = new MigrationStreamReader(stream);
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() => reader.LoadAll(catalog.CreateFor));

        Assert.Equal((MigrationErrorKind.ConfigurationMismatch, "configuration.table-size"), (error.Kind, error.FieldPath));
    }

    [Fact]
    public void ReadSection_ConfigurationItemWithAnotherTag_FailsNamingWhatWasExpected()
    {
        byte[] stream = GadgetHost.Save(Busy(GadgetHost.Type(), "version=2"));
        int item = stream.AsSpan().IndexOf("version=2"u8) - 2;
        Assert.Equal(0x80, stream[item]);
        stream[item] = 0x81;

        using var reader = new MigrationStreamReader(stream);
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() => reader.TryReadSection(out _));

        Assert.Equal((MigrationErrorKind.UnexpectedValue, "configuration", item), (error.Kind, error.FieldPath, (int)error.Offset));
    }

    [Fact]
    public void ReadSection_ConfigurationItemWithoutEquals_FailsAsMalformed()
    {
        byte[] stream = GadgetHost.Save(Busy(GadgetHost.Type(), "version=2"));
        int equals = stream.AsSpan().IndexOf("version=2"u8) + "version".Length;
        stream[equals] = (byte)'_';

        using var reader = new MigrationStreamReader(stream);
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() => reader.TryReadSection(out _));

        Assert.Contains("has no '='", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_EncodedRecord_GivesItBack()
    {
        ConfigurationRecord record = GadgetHost.Type().Resolve("table-size=4,label=a,,b").ToRecord();

        ConfigurationRecord decoded = ConfigurationRecord.Decode(record.Encode());

        Assert.Equal((record.Model, record.ToString()), (decoded.Model, decoded.ToString()));
        Assert.Equal(record.Items, decoded.Items);
    }

    [Theory]
    [InlineData("6880 0C 01 6D 3080 8003 612D31 0000 0000", "has no '='")]
    [InlineData("6880 0C 01 6D 3080 8003 613D31 C003 613D32 0000 0000", "'a' is given twice")]
    [InlineData("6880 0C 01 6D 3080 0C03 613D31 0000 0000", "Expected a parameter")]
    [InlineData("6880 0C 01 6D 3080 8003 2D3D31 0000 0000", "is not a parameter name")]
    [InlineData("6880 0C 00 3080 0000 0000", "the model is empty")]
    [InlineData("6880 0C 01 6D 3080 8003 613D31", "The input ended")]
    public void Decode_MalformedRecord_ThrowsMigrationFormatException(string hex, string expected)
    {
        byte[] bytes = Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() => ConfigurationRecord.Decode(bytes));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_MoreItemsThanTheLimit_ThrowsLimitExceeded()
    {
        var items = Enumerable.Range(0, ConfigurationRecord.MaxItems).Select(i => new ConfigurationItem($"p{i}", "1", false)).ToList();
        byte[] full = new ConfigurationRecord("m", items).Encode();
        byte[] extra = [.. full[..^4], 0xC0, 0x04, (byte)'q', (byte)'9', (byte)'=', (byte)'1', 0, 0, 0, 0];

        Assert.Equal(MigrationErrorKind.LimitExceeded, Assert.Throws<MigrationFormatException>(() => ConfigurationRecord.Decode(extra)).Kind);
    }
}
