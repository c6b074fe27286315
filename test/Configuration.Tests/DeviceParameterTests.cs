namespace MigrationFormat.Configuration.Tests;

/// <summary>Typed parameters: the values each type takes, their canonical text, and the declarations the library refuses.</summary>
public class DeviceParameterTests
{
    [Theory]
    [InlineData("on", "on")]
    [InlineData("true", "on")]
    [InlineData("yes", "on")]
    [InlineData("off", "off")]
    [InlineData("false", "off")]
    [InlineData("no", "off")]
    public void TryNormalize_BoolSpellings_GiveOnOrOff(string text, string canonical)
    {
        Assert.True(DeviceParameter.Bool("rss", true).TryNormalize(text, out string? value));
        Assert.Equal(canonical, value);
    }

    [Theory]
    [InlineData("On")]
    [InlineData("1")]
    [InlineData("")]
    public void TryNormalize_OtherBoolText_IsRefused(string text)
    {
        Assert.False(DeviceParameter.Bool("rss", true).TryNormalize(text, out _));
    }

    [Theory]
    [InlineData("64", "64")]
    [InlineData("0x40", "64")]
    [InlineData("1024", "1024")]
    public void TryNormalize_IntegerInRange_GivesDecimal(string text, string canonical)
    {
        Assert.True(DeviceParameter.Integer("queue-size", 64, 1024, 256).TryNormalize(text, out string? value));
        Assert.Equal(canonical, value);
    }

    [Theory]
    [InlineData("63")]
    [InlineData("1025")]
    [InlineData("+64")]
    [InlineData(" 64")]
    [InlineData("64.0")]
    [InlineData("-0x40")]
    [InlineData("99999999999999999999")]
    public void TryNormalize_IntegerOutOfRangeOrMalformed_IsRefused(string text)
    {
        Assert.False(DeviceParameter.Integer("queue-size", 64, 1024, 256).TryNormalize(text, out _));
    }

    [Fact]
    public void TryNormalize_IntegerNotAmongListedValues_IsRefused()
    {
        DeviceParameter<long> size = DeviceParameter.Integer("rx-filter-size", [0, 16, 32, 64], 0);

        Assert.False(size.TryNormalize("48", out _));
        Assert.True(size.TryParse("32", out long value));
        Assert.Equal(32, value);
        Assert.Equal("one of 0, 16, 32, 64", size.Domain);
    }

    [Fact]
    public void TryNormalize_Enum_IsExactAndCaseSensitive()
    {
        DeviceParameter<string> policy = DeviceParameter.Enum("lost-tick-policy", ["discard", "slew"], "discard");

        Assert.True(policy.TryNormalize("slew", out _));
        Assert.False(policy.TryNormalize("Slew", out _));
    }

    [Fact]
    public void TryNormalize_StringBoundInUtf8Bytes_CountsBytesNotCharacters()
    {
        DeviceParameter<string> name = DeviceParameter.String("ifname", string.Empty, maxLength: 4);

        Assert.True(name.TryNormalize("éé", out _));
        Assert.False(name.TryNormalize("ééé", out _));
        Assert.False(name.TryNormalize("a\nb", out _));
        Assert.False(name.TryNormalize("\ud800", out _));
    }

    [Fact]
    public void Integer_DefaultOutOfRange_Throws()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => DeviceParameter.Integer("queue-size", 64, 1024, 32));

        Assert.Contains("'queue-size'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Integer_LayoutParameterWithAWideRange_Throws()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => DeviceParameter.Integer("queues", 1, 1000, 1, changesLayout: true));

        Assert.Contains("at most 256 values", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("")]
    [InlineData("-rss")]
    [InlineData("rss!")]
    public void Bool_InvalidName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => DeviceParameter.Bool(name, false));
    }

    [Fact]
    public void Enum_ValueListedTwice_Throws()
    {
        Assert.Throws<ArgumentException>(() => DeviceParameter.Enum("mode", ["a", "a"], "a"));
    }
}
