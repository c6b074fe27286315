using Xunit;

namespace MigrationFormat.Tool.Tests;

/// <summary><c>migfmt load</c> names the fields its device version does not know from the schema the stream embeds.</summary>
public class LoadNamingTests
{
    [Fact]
    public void Load_V2StreamWithEmbeddedSchemaIntoV1_ReportsSkippedFieldByName()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("load", "--device", "serial", "--version", "1", Sample(dir, 2, embedSchema: true));

        Assert.Contains("  serial.tx_count [PRIVATE 9]" + Environment.NewLine, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_V2StreamWithoutSchemaIntoV1_ReportsSkippedFieldByTag()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("load", "--device", "serial", "--version", "1", Sample(dir, 2, embedSchema: false));

        Assert.Contains("  serial.[PRIVATE 9]" + Environment.NewLine, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_V3StreamWithEmbeddedSchemaIntoV2_NamesTheUnknownMustParseField()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("load", "--device", "serial", "--version", "2", Sample(dir, 3, embedSchema: true));

        Assert.Contains("Field 'serial.fifo_trigger_level [10]'.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_V1StreamIntoV3_ReportsDefaultedFieldsByPathAndTag()
    {
        using var dir = new TempDir();

        ToolResult result = ToolRunner.Run("load", "--device", "serial", "--version", "3", Sample(dir, 1, embedSchema: true));

        Assert.Contains("  serial.fifo_trigger_level [10]" + Environment.NewLine, result.Stderr, StringComparison.Ordinal);
    }

    private static string Sample(TempDir dir, int version, bool embedSchema)
    {
        string file = dir.File($"serial-v{version}.ber");
        string[] args = ["sample", "--device", "serial", "--version", version.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", file];
        Assert.Equal(0, ToolRunner.Run(embedSchema ? args : [.. args, "--no-schema"]).ExitCode);
        return file;
    }
}
