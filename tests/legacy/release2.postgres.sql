--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: actions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.actions (
    id integer NOT NULL,
    board_id integer NOT NULL,
    note_id integer,
    group_id integer,
    what character varying(500) NOT NULL,
    organisation_id integer,
    due_on date,
    "position" integer NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: actions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.actions_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: actions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.actions_id_seq OWNED BY public.actions.id;


--
-- Name: ballots; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ballots (
    id integer NOT NULL,
    vote_id integer NOT NULL,
    participant_id character varying(32) NOT NULL,
    used integer NOT NULL
);


--
-- Name: ballots_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ballots_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ballots_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ballots_id_seq OWNED BY public.ballots.id;


--
-- Name: board_changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.board_changes (
    id integer NOT NULL,
    board_id integer NOT NULL,
    seq integer NOT NULL,
    name character varying(32) NOT NULL,
    payload json NOT NULL
);


--
-- Name: board_changes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.board_changes_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: board_changes_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.board_changes_id_seq OWNED BY public.board_changes.id;


--
-- Name: boards; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.boards (
    id integer NOT NULL,
    workshop_id integer NOT NULL,
    event_id integer NOT NULL,
    seq integer NOT NULL,
    phase character varying(16) DEFAULT 'collect'::character varying NOT NULL,
    private boolean DEFAULT false NOT NULL,
    locked boolean DEFAULT false NOT NULL,
    anonymity character varying(16) DEFAULT 'shown'::character varying NOT NULL,
    timer_ends_at timestamp with time zone,
    timer_left_ms integer,
    timer_total_ms integer,
    timer_locks boolean DEFAULT false NOT NULL,
    spotlight_kind character varying(8),
    spotlight_id integer
);


--
-- Name: boards_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.boards_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: boards_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.boards_id_seq OWNED BY public.boards.id;


--
-- Name: columns; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.columns (
    id integer NOT NULL,
    board_id integer NOT NULL,
    title character varying(80) NOT NULL,
    "position" integer NOT NULL
);


--
-- Name: columns_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.columns_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: columns_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.columns_id_seq OWNED BY public.columns.id;


--
-- Name: dots; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.dots (
    id integer NOT NULL,
    vote_id integer NOT NULL,
    participant_id character varying(32) NOT NULL,
    target_id integer NOT NULL,
    count integer NOT NULL
);


--
-- Name: dots_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.dots_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: dots_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.dots_id_seq OWNED BY public.dots.id;


--
-- Name: events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.events (
    id integer NOT NULL,
    code character varying(8) NOT NULL,
    title character varying(120) NOT NULL,
    place character varying(120) NOT NULL,
    starts_on date,
    ends_on date,
    description text NOT NULL,
    facilitator_token_hash character varying(64) NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: events_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.events_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: events_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.events_id_seq OWNED BY public.events.id;


--
-- Name: groups; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.groups (
    id integer NOT NULL,
    board_id integer NOT NULL,
    column_id integer NOT NULL,
    title character varying(80) NOT NULL,
    "position" integer NOT NULL
);


--
-- Name: groups_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.groups_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: groups_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.groups_id_seq OWNED BY public.groups.id;


--
-- Name: notes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notes (
    id integer NOT NULL,
    board_id integer NOT NULL,
    column_id integer NOT NULL,
    author_id character varying(32),
    text text NOT NULL,
    color character varying(16) NOT NULL,
    "position" integer NOT NULL,
    pseudonym character varying(40) NOT NULL,
    organisation_id integer,
    version integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    edited_at timestamp with time zone,
    group_id integer
);


--
-- Name: notes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.notes_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: notes_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.notes_id_seq OWNED BY public.notes.id;


--
-- Name: operations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.operations (
    id integer NOT NULL,
    actor character varying(48) NOT NULL,
    op_id character varying(64) NOT NULL,
    answer json NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: operations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.operations_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: operations_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.operations_id_seq OWNED BY public.operations.id;


--
-- Name: organisations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.organisations (
    id integer NOT NULL,
    event_id integer NOT NULL,
    name character varying(120) NOT NULL,
    city character varying(80) NOT NULL,
    country character varying(80) NOT NULL
);


--
-- Name: organisations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.organisations_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: organisations_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.organisations_id_seq OWNED BY public.organisations.id;


--
-- Name: participants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.participants (
    id character varying(32) NOT NULL,
    event_id integer NOT NULL,
    pseudonym character varying(40) NOT NULL,
    organisation_id integer,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: votes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.votes (
    id integer NOT NULL,
    board_id integer NOT NULL,
    target character varying(8) NOT NULL,
    budget integer NOT NULL,
    cap integer NOT NULL,
    hide_results boolean NOT NULL,
    is_open boolean NOT NULL,
    revealed boolean NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: votes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.votes_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: votes_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.votes_id_seq OWNED BY public.votes.id;


--
-- Name: workshops; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.workshops (
    id integer NOT NULL,
    event_id integer NOT NULL,
    title character varying(120) NOT NULL,
    question character varying(500) NOT NULL,
    day date,
    time_slot character varying(40) NOT NULL,
    room character varying(80) NOT NULL,
    "position" integer NOT NULL
);


--
-- Name: workshops_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.workshops_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: workshops_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.workshops_id_seq OWNED BY public.workshops.id;


--
-- Name: actions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.actions ALTER COLUMN id SET DEFAULT nextval('public.actions_id_seq'::regclass);


--
-- Name: ballots id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ballots ALTER COLUMN id SET DEFAULT nextval('public.ballots_id_seq'::regclass);


--
-- Name: board_changes id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.board_changes ALTER COLUMN id SET DEFAULT nextval('public.board_changes_id_seq'::regclass);


--
-- Name: boards id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.boards ALTER COLUMN id SET DEFAULT nextval('public.boards_id_seq'::regclass);


--
-- Name: columns id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.columns ALTER COLUMN id SET DEFAULT nextval('public.columns_id_seq'::regclass);


--
-- Name: dots id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dots ALTER COLUMN id SET DEFAULT nextval('public.dots_id_seq'::regclass);


--
-- Name: events id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events ALTER COLUMN id SET DEFAULT nextval('public.events_id_seq'::regclass);


--
-- Name: groups id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.groups ALTER COLUMN id SET DEFAULT nextval('public.groups_id_seq'::regclass);


--
-- Name: notes id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notes ALTER COLUMN id SET DEFAULT nextval('public.notes_id_seq'::regclass);


--
-- Name: operations id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.operations ALTER COLUMN id SET DEFAULT nextval('public.operations_id_seq'::regclass);


--
-- Name: organisations id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organisations ALTER COLUMN id SET DEFAULT nextval('public.organisations_id_seq'::regclass);


--
-- Name: votes id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.votes ALTER COLUMN id SET DEFAULT nextval('public.votes_id_seq'::regclass);


--
-- Name: workshops id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workshops ALTER COLUMN id SET DEFAULT nextval('public.workshops_id_seq'::regclass);


--
-- Data for Name: actions; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ballots; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: board_changes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.board_changes VALUES (1, 1, 1, 'note:added', '{"board": 1, "seq": 1, "note": {"id": 1, "column": 1, "group": null, "position": 0, "text": "Premiere note", "html": "<p>Premiere note</p>", "color": "yellow", "pseudonym": "", "organisation": "", "version": 1, "created_at": "2026-11-29T21:51:42Z", "edited_at": null}}');
INSERT INTO public.board_changes VALUES (2, 1, 2, 'note:added', '{"board": 1, "seq": 2, "note": {"id": 2, "column": 2, "group": null, "position": 0, "text": "Deuxieme **note**", "html": "<p>Deuxieme <strong>note</strong></p>", "color": "yellow", "pseudonym": "", "organisation": "", "version": 1, "created_at": "2026-11-29T21:51:42Z", "edited_at": null}}');
INSERT INTO public.board_changes VALUES (3, 1, 3, 'note:added', '{"board": 1, "seq": 3, "note": {"id": 3, "column": 1, "group": null, "position": 1, "text": "Troisieme", "html": "<p>Troisieme</p>", "color": "yellow", "pseudonym": "", "organisation": "", "version": 1, "created_at": "2026-11-29T21:51:42Z", "edited_at": null}}');


--
-- Data for Name: boards; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.boards VALUES (1, 1, 1, 3, 'collect', false, false, 'shown', NULL, NULL, NULL, false, NULL, NULL);


--
-- Data for Name: columns; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.columns VALUES (1, 1, 'What we see', 0);
INSERT INTO public.columns VALUES (2, 1, 'What is hard', 1);
INSERT INTO public.columns VALUES (3, 1, 'Ideas and proposals', 2);
INSERT INTO public.columns VALUES (4, 1, 'Questions', 3);


--
-- Data for Name: dots; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: events; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.events VALUES (1, '9N4A4M', 'Rencontre 2025', 'Lyon', '2025-03-10', '2025-03-11', '', '006745d5058ad454b6c7adfd288ec49485570754f628410cd034fabb3b87779c', '2026-11-29 21:51:42.188504+00');


--
-- Data for Name: groups; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: notes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.notes VALUES (1, 1, 1, 'G4vgkQD6JWqBI0CsAsaxTg', 'Premiere note', 'yellow', 0, '', NULL, 1, '2026-11-29 21:51:42.245755+00', NULL, NULL);
INSERT INTO public.notes VALUES (2, 1, 2, 'G4vgkQD6JWqBI0CsAsaxTg', 'Deuxieme **note**', 'yellow', 0, '', NULL, 1, '2026-11-29 21:51:42.261625+00', NULL, NULL);
INSERT INTO public.notes VALUES (3, 1, 1, 'G4vgkQD6JWqBI0CsAsaxTg', 'Troisieme', 'yellow', 1, '', NULL, 1, '2026-11-29 21:51:42.271881+00', NULL, NULL);


--
-- Data for Name: operations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.operations VALUES (1, 'G4vgkQD6JWqBI0CsAsaxTg', 'op-dump-0000', '{"ok": true, "seq": 1, "note": {"id": 1, "column": 1, "group": null, "position": 0, "text": "Premiere note", "html": "<p>Premiere note</p>", "color": "yellow", "pseudonym": "", "organisation": "", "version": 1, "created_at": "2026-11-29T21:51:42Z", "edited_at": null}}', '2026-11-29 21:51:42.254532+00');
INSERT INTO public.operations VALUES (2, 'G4vgkQD6JWqBI0CsAsaxTg', 'op-dump-0001', '{"ok": true, "seq": 2, "note": {"id": 2, "column": 2, "group": null, "position": 0, "text": "Deuxieme **note**", "html": "<p>Deuxieme <strong>note</strong></p>", "color": "yellow", "pseudonym": "", "organisation": "", "version": 1, "created_at": "2026-11-29T21:51:42Z", "edited_at": null}}', '2026-11-29 21:51:42.265283+00');
INSERT INTO public.operations VALUES (3, 'G4vgkQD6JWqBI0CsAsaxTg', 'op-dump-0002', '{"ok": true, "seq": 3, "note": {"id": 3, "column": 1, "group": null, "position": 1, "text": "Troisieme", "html": "<p>Troisieme</p>", "color": "yellow", "pseudonym": "", "organisation": "", "version": 1, "created_at": "2026-11-29T21:51:42Z", "edited_at": null}}', '2026-11-29 21:51:42.274122+00');


--
-- Data for Name: organisations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.organisations VALUES (1, 1, 'Cabiria', 'Lyon', '');


--
-- Data for Name: participants; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.participants VALUES ('G4vgkQD6JWqBI0CsAsaxTg', 1, '', NULL, '2026-11-29 21:51:42.189872+00');


--
-- Data for Name: votes; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: workshops; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.workshops VALUES (1, 1, 'Violences en ligne', 'Que faire ?', '2025-03-11', '', '', 0);


--
-- Name: actions_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.actions_id_seq', 1, false);


--
-- Name: ballots_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ballots_id_seq', 1, false);


--
-- Name: board_changes_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.board_changes_id_seq', 3, true);


--
-- Name: boards_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.boards_id_seq', 1, true);


--
-- Name: columns_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.columns_id_seq', 4, true);


--
-- Name: dots_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.dots_id_seq', 1, false);


--
-- Name: events_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.events_id_seq', 1, true);


--
-- Name: groups_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.groups_id_seq', 1, false);


--
-- Name: notes_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.notes_id_seq', 3, true);


--
-- Name: operations_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.operations_id_seq', 3, true);


--
-- Name: organisations_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.organisations_id_seq', 1, true);


--
-- Name: votes_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.votes_id_seq', 1, false);


--
-- Name: workshops_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.workshops_id_seq', 1, true);


--
-- Name: actions actions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.actions
    ADD CONSTRAINT actions_pkey PRIMARY KEY (id);


--
-- Name: ballots ballots_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ballots
    ADD CONSTRAINT ballots_pkey PRIMARY KEY (id);


--
-- Name: ballots ballots_vote_id_participant_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ballots
    ADD CONSTRAINT ballots_vote_id_participant_id_key UNIQUE (vote_id, participant_id);


--
-- Name: board_changes board_changes_board_id_seq_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.board_changes
    ADD CONSTRAINT board_changes_board_id_seq_key UNIQUE (board_id, seq);


--
-- Name: board_changes board_changes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.board_changes
    ADD CONSTRAINT board_changes_pkey PRIMARY KEY (id);


--
-- Name: boards boards_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.boards
    ADD CONSTRAINT boards_pkey PRIMARY KEY (id);


--
-- Name: boards boards_workshop_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.boards
    ADD CONSTRAINT boards_workshop_id_key UNIQUE (workshop_id);


--
-- Name: columns columns_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.columns
    ADD CONSTRAINT columns_pkey PRIMARY KEY (id);


--
-- Name: dots dots_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dots
    ADD CONSTRAINT dots_pkey PRIMARY KEY (id);


--
-- Name: dots dots_vote_id_participant_id_target_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dots
    ADD CONSTRAINT dots_vote_id_participant_id_target_id_key UNIQUE (vote_id, participant_id, target_id);


--
-- Name: events events_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_code_key UNIQUE (code);


--
-- Name: events events_facilitator_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_facilitator_token_hash_key UNIQUE (facilitator_token_hash);


--
-- Name: events events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (id);


--
-- Name: groups groups_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.groups
    ADD CONSTRAINT groups_pkey PRIMARY KEY (id);


--
-- Name: notes notes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notes
    ADD CONSTRAINT notes_pkey PRIMARY KEY (id);


--
-- Name: operations operations_actor_op_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.operations
    ADD CONSTRAINT operations_actor_op_id_key UNIQUE (actor, op_id);


--
-- Name: operations operations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.operations
    ADD CONSTRAINT operations_pkey PRIMARY KEY (id);


--
-- Name: organisations organisations_event_id_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organisations
    ADD CONSTRAINT organisations_event_id_name_key UNIQUE (event_id, name);


--
-- Name: organisations organisations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organisations
    ADD CONSTRAINT organisations_pkey PRIMARY KEY (id);


--
-- Name: participants participants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.participants
    ADD CONSTRAINT participants_pkey PRIMARY KEY (id);


--
-- Name: votes votes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.votes
    ADD CONSTRAINT votes_pkey PRIMARY KEY (id);


--
-- Name: workshops workshops_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workshops
    ADD CONSTRAINT workshops_pkey PRIMARY KEY (id);


--
-- Name: ix_actions_board_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_actions_board_id ON public.actions USING btree (board_id);


--
-- Name: ix_boards_event_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_boards_event_id ON public.boards USING btree (event_id);


--
-- Name: ix_columns_board_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_columns_board_id ON public.columns USING btree (board_id);


--
-- Name: ix_dots_vote_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_dots_vote_id ON public.dots USING btree (vote_id);


--
-- Name: ix_groups_board_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_groups_board_id ON public.groups USING btree (board_id);


--
-- Name: ix_groups_column_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_groups_column_id ON public.groups USING btree (column_id);


--
-- Name: ix_notes_author_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_notes_author_id ON public.notes USING btree (author_id);


--
-- Name: ix_notes_board_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_notes_board_id ON public.notes USING btree (board_id);


--
-- Name: ix_notes_column_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_notes_column_id ON public.notes USING btree (column_id);


--
-- Name: ix_notes_group_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_notes_group_id ON public.notes USING btree (group_id);


--
-- Name: ix_organisations_event_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_organisations_event_id ON public.organisations USING btree (event_id);


--
-- Name: ix_participants_event_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_participants_event_id ON public.participants USING btree (event_id);


--
-- Name: ix_votes_board_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_votes_board_id ON public.votes USING btree (board_id);


--
-- Name: ix_workshops_event_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_workshops_event_id ON public.workshops USING btree (event_id);


--
-- Name: actions actions_board_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.actions
    ADD CONSTRAINT actions_board_id_fkey FOREIGN KEY (board_id) REFERENCES public.boards(id) ON DELETE CASCADE;


--
-- Name: actions actions_group_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.actions
    ADD CONSTRAINT actions_group_id_fkey FOREIGN KEY (group_id) REFERENCES public.groups(id) ON DELETE SET NULL;


--
-- Name: actions actions_note_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.actions
    ADD CONSTRAINT actions_note_id_fkey FOREIGN KEY (note_id) REFERENCES public.notes(id) ON DELETE SET NULL;


--
-- Name: actions actions_organisation_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.actions
    ADD CONSTRAINT actions_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES public.organisations(id) ON DELETE SET NULL;


--
-- Name: ballots ballots_participant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ballots
    ADD CONSTRAINT ballots_participant_id_fkey FOREIGN KEY (participant_id) REFERENCES public.participants(id) ON DELETE CASCADE;


--
-- Name: ballots ballots_vote_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ballots
    ADD CONSTRAINT ballots_vote_id_fkey FOREIGN KEY (vote_id) REFERENCES public.votes(id) ON DELETE CASCADE;


--
-- Name: board_changes board_changes_board_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.board_changes
    ADD CONSTRAINT board_changes_board_id_fkey FOREIGN KEY (board_id) REFERENCES public.boards(id) ON DELETE CASCADE;


--
-- Name: boards boards_event_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.boards
    ADD CONSTRAINT boards_event_id_fkey FOREIGN KEY (event_id) REFERENCES public.events(id) ON DELETE CASCADE;


--
-- Name: boards boards_workshop_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.boards
    ADD CONSTRAINT boards_workshop_id_fkey FOREIGN KEY (workshop_id) REFERENCES public.workshops(id) ON DELETE CASCADE;


--
-- Name: columns columns_board_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.columns
    ADD CONSTRAINT columns_board_id_fkey FOREIGN KEY (board_id) REFERENCES public.boards(id) ON DELETE CASCADE;


--
-- Name: dots dots_participant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dots
    ADD CONSTRAINT dots_participant_id_fkey FOREIGN KEY (participant_id) REFERENCES public.participants(id) ON DELETE CASCADE;


--
-- Name: dots dots_vote_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dots
    ADD CONSTRAINT dots_vote_id_fkey FOREIGN KEY (vote_id) REFERENCES public.votes(id) ON DELETE CASCADE;


--
-- Name: groups groups_board_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.groups
    ADD CONSTRAINT groups_board_id_fkey FOREIGN KEY (board_id) REFERENCES public.boards(id) ON DELETE CASCADE;


--
-- Name: groups groups_column_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.groups
    ADD CONSTRAINT groups_column_id_fkey FOREIGN KEY (column_id) REFERENCES public.columns(id) ON DELETE CASCADE;


--
-- Name: notes notes_author_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notes
    ADD CONSTRAINT notes_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.participants(id) ON DELETE SET NULL;


--
-- Name: notes notes_board_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notes
    ADD CONSTRAINT notes_board_id_fkey FOREIGN KEY (board_id) REFERENCES public.boards(id) ON DELETE CASCADE;


--
-- Name: notes notes_column_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notes
    ADD CONSTRAINT notes_column_id_fkey FOREIGN KEY (column_id) REFERENCES public.columns(id) ON DELETE CASCADE;


--
-- Name: notes notes_group_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notes
    ADD CONSTRAINT notes_group_id_fkey FOREIGN KEY (group_id) REFERENCES public.groups(id) ON DELETE SET NULL;


--
-- Name: notes notes_organisation_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notes
    ADD CONSTRAINT notes_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES public.organisations(id) ON DELETE SET NULL;


--
-- Name: organisations organisations_event_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organisations
    ADD CONSTRAINT organisations_event_id_fkey FOREIGN KEY (event_id) REFERENCES public.events(id) ON DELETE CASCADE;


--
-- Name: participants participants_event_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.participants
    ADD CONSTRAINT participants_event_id_fkey FOREIGN KEY (event_id) REFERENCES public.events(id) ON DELETE CASCADE;


--
-- Name: participants participants_organisation_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.participants
    ADD CONSTRAINT participants_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES public.organisations(id) ON DELETE SET NULL;


--
-- Name: votes votes_board_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.votes
    ADD CONSTRAINT votes_board_id_fkey FOREIGN KEY (board_id) REFERENCES public.boards(id) ON DELETE CASCADE;


--
-- Name: workshops workshops_event_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workshops
    ADD CONSTRAINT workshops_event_id_fkey FOREIGN KEY (event_id) REFERENCES public.events(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


