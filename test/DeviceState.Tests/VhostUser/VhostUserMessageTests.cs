using MigrationFormat.DeviceState.VhostUser;
using Xunit;

namespace MigrationFormat.DeviceState.Tests.VhostUser;

/// <summary>The two device-state messages and their replies, byte for byte.</summary>
public sealed class VhostUserMessageTests
{
    [Fact]
    public void WriteSetDeviceStateFd_LoadStopped_IsRequest42WithEightBytesOfDirectionAndPhase()
    {
        byte[] message = new byte[VhostUserDeviceStateMessages.SetDeviceStateFdSize];
        VhostUserDeviceStateMessages.WriteSetDeviceStateFd(message, (uint)VhostUserTransferDirection.Load, (uint)VhostUserTransferPhase.Stopped);
        Assert.Equal(Convert.FromHexString("2A000000" + "01000000" + "08000000" + "01000000" + "00000000"), message);
    }

    [Fact]
    public void WriteCheckDeviceState_IsRequest43WithNoPayload()
    {
        byte[] message = new byte[VhostUserHeader.Length];
        VhostUserDeviceStateMessages.WriteCheckDeviceState(message);
        Assert.Equal(Convert.FromHexString("2B000000" + "01000000" + "00000000"), message);
    }

    [Fact]
    public void WriteReply_AcceptedWithoutFd_HasReplyFlagsAndAU64()
    {
        byte[] reply = new byte[VhostUserDeviceStateMessages.ReplySize];
        VhostUserDeviceStateMessages.WriteReply(reply, VhostUserRequest.SetDeviceStateFd, VhostUserDeviceStateMessages.AcceptedWithoutFd);
        Assert.Equal(Convert.FromHexString("2A000000" + "05000000" + "08000000" + "0001000000000000"), reply);
    }

    [Fact]
    public void ReadReply_WellFormed_ReturnsTheValue()
    {
        byte[] reply = new byte[VhostUserDeviceStateMessages.ReplySize];
        VhostUserDeviceStateMessages.WriteReply(reply, VhostUserRequest.CheckDeviceState, 0);
        VhostUserHeader header = VhostUserHeader.Read(reply);
        Assert.Equal(0UL, VhostUserDeviceStateMessages.ReadReply(VhostUserRequest.CheckDeviceState, header, reply.AsSpan(VhostUserHeader.Length)));
    }

    [Theory]
    [InlineData(43u, 0x1u, 8u, "flags 0x1")]
    [InlineData(43u, 0xDu, 8u, "flags 0xd")]
    [InlineData(43u, 0x5u, 4u, "carries 4 bytes")]
    [InlineData(43u, 0x5u, 16u, "carries 16 bytes")]
    [InlineData(42u, 0x5u, 8u, "of type SET_DEVICE_STATE_FD")]
    public void ReadReply_WrongRequestFlagsOrSize_IsRejectedAsQemuWould(uint request, uint flags, uint size, string reason)
    {
        var header = new VhostUserHeader((VhostUserRequest)request, flags, size);
        MigrationFormatException error = Assert.Throws<MigrationFormatException>(() =>
            VhostUserDeviceStateMessages.ReadReply(VhostUserRequest.CheckDeviceState, header, new byte[size]));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0u, 0u, true)]
    [InlineData(1u, 0u, true)]
    [InlineData(2u, 0u, false)]
    [InlineData(3u, 0u, false)]
    [InlineData(0u, 1u, false)]
    [InlineData(1u, 0xFFFFFFFFu, false)]
    public void Validate_DirectionAndPhase_AcceptsOnlySaveOrLoadWhileStopped(uint direction, uint phase, bool valid) =>
        Assert.Equal(valid, VhostUserDeviceStateMessages.Validate(direction, phase) is null);

    [Theory]
    [InlineData(4)]
    [InlineData(12)]
    public void ReadTransferParameters_WrongPayloadSize_IsRejected(int size)
    {
        var header = new VhostUserHeader(VhostUserRequest.SetDeviceStateFd, VhostUserHeader.Version, (uint)size);
        Assert.Throws<MigrationFormatException>(() => VhostUserDeviceStateMessages.ReadTransferParameters(header, new byte[size]));
    }

    [Fact]
    public void Header_RoundTrips()
    {
        var header = new VhostUserHeader(VhostUserRequest.GetVringBase, VhostUserHeader.Version | VhostUserHeader.NeedReplyFlag, 8);
        byte[] bytes = new byte[VhostUserHeader.Length];
        header.Write(bytes);
        Assert.Equal(header, VhostUserHeader.Read(bytes));
        Assert.True(VhostUserHeader.Read(bytes).NeedsReply);
        Assert.False(VhostUserHeader.Read(bytes).IsReply);
    }
}
