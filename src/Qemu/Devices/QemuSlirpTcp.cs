using System;
using MigrationFormat.Visitors;

namespace MigrationFormat.Qemu.Devices;

/// <summary>A TCP control block as libslirp's vmsd <c>slirp-tcp</c> saves it (<c>src/state.c</c>), 40 fields in its order.</summary>
public sealed class QemuSlirpTcp
{
    /// <summary>The bytes the control block takes in a legacy stream.</summary>
    public const int LegacySize = 119;

    private short _tstate;
    private readonly ushort[] _ttimer = new ushort[4];
    private short _trxtshift;
    private short _trxtcur;
    private short _tdupacks;
    private ushort _tmaxseg;
    private byte _tforce;
    private ushort _tflags;
    private uint _snduna;
    private uint _sndnxt;
    private uint _sndup;
    private uint _sndwl1;
    private uint _sndwl2;
    private uint _iss;
    private uint _sndwnd;
    private uint _rcvwnd;
    private uint _rcvnxt;
    private uint _rcvup;
    private uint _irs;
    private uint _rcvadv;
    private uint _sndmax;
    private uint _sndcwnd;
    private uint _sndssthresh;
    private short _tidle;
    private short _trtt;
    private uint _trtseq;
    private short _tsrtt;
    private short _trttvar;
    private ushort _trttmin;
    private uint _maxsndwnd;
    private byte _toobflags;
    private byte _tiobc;
    private short _tsofterror;
    private byte _sndscale;
    private byte _rcvscale;
    private byte _requestrscale;
    private byte _requestedsscale;
    private uint _tsrecent;
    private uint _tsrecentage;
    private uint _lastacksent;

    /// <summary>Gets the four TCP timers (<c>t_timer</c>), changed in place.</summary>
    public ushort[] Timers => _ttimer;

    /// <summary>Gets or sets the connection state (<c>t_state</c>).</summary>
    public short State { get => _tstate; set => _tstate = value; }

    /// <summary>Gets or sets the oldest unacknowledged sequence number (<c>snd_una</c>).</summary>
    public uint SendUnacknowledged { get => _snduna; set => _snduna = value; }

    /// <summary>Visits the 40 fields inside an opened structure.</summary>
    /// <typeparam name="TVisitor">The visitor.</typeparam>
    /// <param name="v">The visitor.</param>
    public void Visit<TVisitor>(ref TVisitor v)
        where TVisitor : IStateVisitor, allows ref struct
    {
        v.Field(Fields.TState, ref _tstate);
        v.Field(Fields.TTimer, _ttimer.AsSpan());
        v.Field(Fields.TRxtshift, ref _trxtshift);
        v.Field(Fields.TRxtcur, ref _trxtcur);
        v.Field(Fields.TDupacks, ref _tdupacks);
        v.Field(Fields.TMaxseg, ref _tmaxseg);
        v.Field(Fields.TForce, ref _tforce);
        v.Field(Fields.TFlags, ref _tflags);
        v.Field(Fields.SndUna, ref _snduna);
        v.Field(Fields.SndNxt, ref _sndnxt);
        v.Field(Fields.SndUp, ref _sndup);
        v.Field(Fields.SndWl1, ref _sndwl1);
        v.Field(Fields.SndWl2, ref _sndwl2);
        v.Field(Fields.Iss, ref _iss);
        v.Field(Fields.SndWnd, ref _sndwnd);
        v.Field(Fields.RcvWnd, ref _rcvwnd);
        v.Field(Fields.RcvNxt, ref _rcvnxt);
        v.Field(Fields.RcvUp, ref _rcvup);
        v.Field(Fields.Irs, ref _irs);
        v.Field(Fields.RcvAdv, ref _rcvadv);
        v.Field(Fields.SndMax, ref _sndmax);
        v.Field(Fields.SndCwnd, ref _sndcwnd);
        v.Field(Fields.SndSsthresh, ref _sndssthresh);
        v.Field(Fields.TIdle, ref _tidle);
        v.Field(Fields.TRtt, ref _trtt);
        v.Field(Fields.TRtseq, ref _trtseq);
        v.Field(Fields.TSrtt, ref _tsrtt);
        v.Field(Fields.TRttvar, ref _trttvar);
        v.Field(Fields.TRttmin, ref _trttmin);
        v.Field(Fields.MaxSndwnd, ref _maxsndwnd);
        v.Field(Fields.TOobflags, ref _toobflags);
        v.Field(Fields.TIobc, ref _tiobc);
        v.Field(Fields.TSofterror, ref _tsofterror);
        v.Field(Fields.SndScale, ref _sndscale);
        v.Field(Fields.RcvScale, ref _rcvscale);
        v.Field(Fields.RequestRScale, ref _requestrscale);
        v.Field(Fields.RequestedSScale, ref _requestedsscale);
        v.Field(Fields.TsRecent, ref _tsrecent);
        v.Field(Fields.TsRecentAge, ref _tsrecentage);
        v.Field(Fields.LastAckSent, ref _lastacksent);
    }

    /// <summary>The control block's field specs.</summary>
    public static class Fields
    {
        private static readonly FieldSet Tcp = new("slirp-tcp");

        /// <summary><c>t_state</c>.</summary>
        public static readonly FieldSpec<short> TState = Tcp.Int16("t_state", 0);

        /// <summary><c>t_timer</c> (int16[4]).</summary>
        public static readonly ArrayFieldSpec<ushort> TTimer = Tcp.Array<ushort>(
            "t_timer", 1, 4, description: "int16[4]: the retransmit, persist, keep-alive and 2MSL timers");

        /// <summary><c>t_rxtshift</c>.</summary>
        public static readonly FieldSpec<short> TRxtshift = Tcp.Int16("t_rxtshift", 2);

        /// <summary><c>t_rxtcur</c>.</summary>
        public static readonly FieldSpec<short> TRxtcur = Tcp.Int16("t_rxtcur", 3);

        /// <summary><c>t_dupacks</c>.</summary>
        public static readonly FieldSpec<short> TDupacks = Tcp.Int16("t_dupacks", 4);

        /// <summary><c>t_maxseg</c>.</summary>
        public static readonly FieldSpec<ushort> TMaxseg = Tcp.UInt16("t_maxseg", 5);

        /// <summary><c>t_force</c>.</summary>
        public static readonly FieldSpec<byte> TForce = Tcp.UInt8("t_force", 6);

        /// <summary><c>t_flags</c>.</summary>
        public static readonly FieldSpec<ushort> TFlags = Tcp.UInt16("t_flags", 7);

        /// <summary><c>snd_una</c>.</summary>
        public static readonly FieldSpec<uint> SndUna = Tcp.UInt32("snd_una", 8);

        /// <summary><c>snd_nxt</c>.</summary>
        public static readonly FieldSpec<uint> SndNxt = Tcp.UInt32("snd_nxt", 9);

        /// <summary><c>snd_up</c>.</summary>
        public static readonly FieldSpec<uint> SndUp = Tcp.UInt32("snd_up", 10);

        /// <summary><c>snd_wl1</c>.</summary>
        public static readonly FieldSpec<uint> SndWl1 = Tcp.UInt32("snd_wl1", 11);

        /// <summary><c>snd_wl2</c>.</summary>
        public static readonly FieldSpec<uint> SndWl2 = Tcp.UInt32("snd_wl2", 12);

        /// <summary><c>iss</c>.</summary>
        public static readonly FieldSpec<uint> Iss = Tcp.UInt32("iss", 13);

        /// <summary><c>snd_wnd</c>.</summary>
        public static readonly FieldSpec<uint> SndWnd = Tcp.UInt32("snd_wnd", 14);

        /// <summary><c>rcv_wnd</c>.</summary>
        public static readonly FieldSpec<uint> RcvWnd = Tcp.UInt32("rcv_wnd", 15);

        /// <summary><c>rcv_nxt</c>.</summary>
        public static readonly FieldSpec<uint> RcvNxt = Tcp.UInt32("rcv_nxt", 16);

        /// <summary><c>rcv_up</c>.</summary>
        public static readonly FieldSpec<uint> RcvUp = Tcp.UInt32("rcv_up", 17);

        /// <summary><c>irs</c>.</summary>
        public static readonly FieldSpec<uint> Irs = Tcp.UInt32("irs", 18);

        /// <summary><c>rcv_adv</c>.</summary>
        public static readonly FieldSpec<uint> RcvAdv = Tcp.UInt32("rcv_adv", 19);

        /// <summary><c>snd_max</c>.</summary>
        public static readonly FieldSpec<uint> SndMax = Tcp.UInt32("snd_max", 20);

        /// <summary><c>snd_cwnd</c>.</summary>
        public static readonly FieldSpec<uint> SndCwnd = Tcp.UInt32("snd_cwnd", 21);

        /// <summary><c>snd_ssthresh</c>.</summary>
        public static readonly FieldSpec<uint> SndSsthresh = Tcp.UInt32("snd_ssthresh", 22);

        /// <summary><c>t_idle</c>.</summary>
        public static readonly FieldSpec<short> TIdle = Tcp.Int16("t_idle", 23);

        /// <summary><c>t_rtt</c>.</summary>
        public static readonly FieldSpec<short> TRtt = Tcp.Int16("t_rtt", 24);

        /// <summary><c>t_rtseq</c>.</summary>
        public static readonly FieldSpec<uint> TRtseq = Tcp.UInt32("t_rtseq", 25);

        /// <summary><c>t_srtt</c>.</summary>
        public static readonly FieldSpec<short> TSrtt = Tcp.Int16("t_srtt", 26);

        /// <summary><c>t_rttvar</c>.</summary>
        public static readonly FieldSpec<short> TRttvar = Tcp.Int16("t_rttvar", 27);

        /// <summary><c>t_rttmin</c>.</summary>
        public static readonly FieldSpec<ushort> TRttmin = Tcp.UInt16("t_rttmin", 28);

        /// <summary><c>max_sndwnd</c>.</summary>
        public static readonly FieldSpec<uint> MaxSndwnd = Tcp.UInt32("max_sndwnd", 29);

        /// <summary><c>t_oobflags</c>.</summary>
        public static readonly FieldSpec<byte> TOobflags = Tcp.UInt8("t_oobflags", 30);

        /// <summary><c>t_iobc</c>.</summary>
        public static readonly FieldSpec<byte> TIobc = Tcp.UInt8("t_iobc", 31);

        /// <summary><c>t_softerror</c>.</summary>
        public static readonly FieldSpec<short> TSofterror = Tcp.Int16("t_softerror", 32);

        /// <summary><c>snd_scale</c>.</summary>
        public static readonly FieldSpec<byte> SndScale = Tcp.UInt8("snd_scale", 33);

        /// <summary><c>rcv_scale</c>.</summary>
        public static readonly FieldSpec<byte> RcvScale = Tcp.UInt8("rcv_scale", 34);

        /// <summary><c>request_r_scale</c>.</summary>
        public static readonly FieldSpec<byte> RequestRScale = Tcp.UInt8("request_r_scale", 35);

        /// <summary><c>requested_s_scale</c>.</summary>
        public static readonly FieldSpec<byte> RequestedSScale = Tcp.UInt8("requested_s_scale", 36);

        /// <summary><c>ts_recent</c>.</summary>
        public static readonly FieldSpec<uint> TsRecent = Tcp.UInt32("ts_recent", 37);

        /// <summary><c>ts_recent_age</c>.</summary>
        public static readonly FieldSpec<uint> TsRecentAge = Tcp.UInt32("ts_recent_age", 38);

        /// <summary><c>last_ack_sent</c>.</summary>
        public static readonly FieldSpec<uint> LastAckSent = Tcp.UInt32("last_ack_sent", 39);
    }
}
