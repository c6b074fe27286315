using FsCheck.Xunit;

namespace MigrationFormat.Configuration.Tests;

/// <summary>The configuration string's syntax (docs/catalog.md §2): the same in the API, on the command line and in the stream.</summary>
public class ConfigurationStringTests
{
    [Fact]
    public void Parse_VersionAndParameter_GivesBothInOrder()
    {
        ConfigurationString parsed = ConfigurationString.Parse("version=2,rx-filter-size=64");

        Assert.Equal(2, parsed.Version);
        Assert.Equal([new("rx-filter-size", "64")], parsed.Parameters);
    }

    [Fact]
    public void Parse_ParametersAlone_HasNoVersion()
    {
        ConfigurationString parsed = ConfigurationString.Parse("rx-filter-size=0");

        Assert.Null(parsed.Version);
        Assert.Equal("0", parsed.Find("rx-filter-size"));
    }

    [Fact]
    public void Parse_EmptyString_IsTheEmptyConfiguration()
    {
        Assert.Equal(ConfigurationString.Empty, ConfigurationString.Parse(string.Empty));
    }

    [Fact]
    public void Parse_DoubledComma_IsACommaInTheValue()
    {
        ConfigurationString parsed = ConfigurationString.Parse("ifname=a,,b,,,queue-size=64");

        Assert.Equal("a,b,", parsed.Find("ifname"));
        Assert.Equal("64", parsed.Find("queue-size"));
    }

    [Fact]
    public void Parse_ValueWithEquals_KeepsEverythingAfterTheFirst()
    {
        Assert.Equal("a=b", ConfigurationString.Parse("ifname=a=b").Find("ifname"));
    }

    [Theory]
    [InlineData("rss", "has no '='")]
    [InlineData("rss=on,", "Empty item at character 8")]
    [InlineData("rss=on,rss=off", "'rss' is given twice")]
    [InlineData("version=0", "positive decimal integer; '0'")]
    [InlineData("version=2a", "positive decimal integer; '2a'")]
    [InlineData("version=99999999999", "positive decimal integer")]
    [InlineData(" rss=on", "' rss' at character 1 is not a parameter name")]
    [InlineData("=on", "'' at character 1 is not a parameter name")]
    public void Parse_BrokenSyntax_ThrowsFormatExceptionSayingWhere(string text, string expected)
    {
        FormatException error = Assert.Throws<FormatException>(() => ConfigurationString.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_VersionFirst_ThenItemsWithCommasDoubled()
    {
        var configuration = new ConfigurationString(3, [new("ifname", "a,b"), new("rss", "off")]);

        Assert.Equal("version=3,ifname=a,,b,rss=off", configuration.ToString());
    }

    [Fact]
    public void Constructor_NameGivenTwice_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ConfigurationString(null, [new("rss", "on"), new("rss", "off")]));
    }

    [Property(MaxTest = 300)]
    public void ToString_RandomItems_ParsesBackToTheSameConfiguration(int seed)
    {
        var random = new Random(seed);
        int? version = random.Next(3) == 0 ? null : random.Next(1, 1000);
        var items = new List<KeyValuePair<string, string>>();
        int count = random.Next(0, 6);
        for (int i = 0; i < count; i++)
        {
            items.Add(new($"p{i}-{(char)('a' + random.Next(26))}", RandomValue(random)));
        }

        var configuration = new ConfigurationString(version, items);

        Assert.Equal(configuration, ConfigurationString.Parse(configuration.ToString()));
    }

    private static string RandomValue(Random random)
    {
        const string Alphabet = "ab,=,,x- _.0é";
        var text = new char[random.Next(0, 8)];
        for (int i = 0; i < text.Length; i++)
        {
            text[i] = Alphabet[random.Next(Alphabet.Length)];
        }

        return new string(text);
    }
}
