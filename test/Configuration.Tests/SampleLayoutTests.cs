namespace MigrationFormat.Configuration.Tests;

/// <summary>
/// The samples' parameters that change the state layout do so, and those that do not, do not: the schema is a
/// function of the version and of the layout parameters' values (docs/catalog.md §4).
/// </summary>
public class SampleLayoutTests
{
    private static string[] FieldNames(DeviceType type, string configuration) =>
        [.. DeviceSchema.For(type.Resolve(configuration)).Fields.Select(f => f.Name)];

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    public void For_VirtioNetWithAFilterTable_HasTheTableSizedByTheParameter(int entries)
    {
        DeviceSchema schema = DeviceSchema.For(VirtioNet.DeviceType.Resolve($"version=2,rx-filter-size={entries}"));

        FieldSchema table = schema.Fields.Single(f => f.Name == "rx_filter");
        Assert.Equal((FieldKind.FixedBytes, 9, entries * 6, false), (table.Kind, table.Tag, table.Size, table.Skippable));
    }

    [Fact]
    public void For_VirtioNetWithoutFilterEntries_HasNoTable()
    {
        Assert.DoesNotContain("rx_filter", FieldNames(VirtioNet.DeviceType, "version=2,rx-filter-size=0"));
    }

    [Fact]
    public void For_VirtioNetWithoutRss_HasNoRssGroup()
    {
        Assert.Contains("rss", FieldNames(VirtioNet.DeviceType, "version=3"));
        Assert.DoesNotContain("rss", FieldNames(VirtioNet.DeviceType, "rss=off"));
    }

    [Fact]
    public void For_UartWithoutFifo_HasNeitherTriggerLevelNorTimeout()
    {
        string[] withFifo = FieldNames(Uart16550.DeviceType, "version=3");
        string[] withoutFifo = FieldNames(Uart16550.DeviceType, "fifo=off");

        Assert.Equal(["fifo_timeout", "fifo_trigger_level"], withFifo.Except(withoutFifo).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void For_RtcWhosePolicyIsNotSlew_HasNoCoalescedCount()
    {
        Assert.Contains("irq_coalesced", FieldNames(Mc146818Rtc.DeviceType, "version=3"));
        Assert.DoesNotContain("irq_coalesced", FieldNames(Mc146818Rtc.DeviceType, "version=3,lost-tick-policy=delay"));
    }

    [Theory]
    [InlineData("virtio-net", "queue-size", new[] { "64", "1024" })]
    [InlineData("virtio-net", "ifname", new[] { "", "wan0" })]
    [InlineData("mc146818rtc", "base-year", new[] { "1900", "2099" })]
    public void For_ParameterThatDoesNotChangeTheLayout_GivesTheSameSchemaForEveryValue(string id, string parameter, string[] values)
    {
        DeviceType type = SampleCatalog.DeviceTypes.Single(t => t.Id == id);
        Assert.False(type.FindParameter(parameter)!.ChangesLayout);
        for (int version = type.MinimumVersion; version <= type.CurrentVersion; version++)
        {
            string[] documents =
            [
                .. values.Select(v => System.Text.Encoding.UTF8.GetString(
                    SchemaDocument.ToUtf8(DeviceSchema.For(type.Resolve($"version={version},{parameter}={v}"))))),
            ];

            Assert.All(documents, d => Assert.Equal(documents[0], d));
        }
    }

    [Fact]
    public void For_EveryLayoutParameterOfEverySample_GivesAnotherSchemaForSomeValue()
    {
        foreach (DeviceType type in SampleCatalog.DeviceTypes)
        {
            foreach (DeviceParameter parameter in type.Parameters.Where(p => p.ChangesLayout))
            {
                string[] values = parameter.Type == ParameterType.Bool ? ["off", "on"] : [.. parameter.Values];
                string[] documents = [.. values.Select(v => System.Text.Encoding.UTF8.GetString(
                    SchemaDocument.ToUtf8(DeviceSchema.For(type.Resolve(new ConfigurationString(null, [new(parameter.Name, v)]))))))];

                Assert.True(documents.Distinct().Count() > 1, $"{type.Id}: '{parameter.Name}' is declared to change the layout, and no value does");
            }
        }
    }

    [Fact]
    public void SchemaKey_DefaultLayout_IsTheVersionsKeyAndOthersNameTheirValues()
    {
        Assert.Equal("virtio-net/v2", DeviceCatalog.SchemaKey(VirtioNet.DeviceType.Resolve("version=2,rx-filter-size=0")));
        Assert.Equal("virtio-net/v2?rx-filter-size=64,rss=off", DeviceCatalog.SchemaKey(VirtioNet.DeviceType.Resolve("version=2,rx-filter-size=64")));
    }

    [Fact]
    public void WriteSchemas_DevicesOfTwoLayouts_EmbedOneSchemaEachUnderItsKey()
    {
        IDeviceState plain = VirtioNet.DeviceType.Create("version=2");
        IDeviceState filtered = VirtioNet.DeviceType.Create("version=2,rx-filter-size=16");
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            SchemaEmbedding.WriteSchemas(writer, [plain, filtered]);
            writer.WriteDevice(plain);
            writer.WriteDevice(filtered, 1);
            writer.Complete();
        }

        using var reader = new MigrationStreamReader(output.WrittenMemory);
        reader.TryReadSection(out _);
        IReadOnlyDictionary<string, DeviceSchema> schemas = SchemaEmbedding.ReadSchemas(reader.Schemas);

        Assert.Equal(["virtio-net/v2", "virtio-net/v2?rx-filter-size=16,rss=off"], schemas.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(schemas["virtio-net/v2?rx-filter-size=16,rss=off"].Fields, f => f.Name == "rx_filter");
    }
}
