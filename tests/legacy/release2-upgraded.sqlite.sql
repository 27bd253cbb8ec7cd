PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE events (
	id INTEGER NOT NULL, 
	code VARCHAR(8) NOT NULL, 
	title VARCHAR(120) NOT NULL, 
	place VARCHAR(120) NOT NULL, 
	starts_on DATE, 
	ends_on DATE, 
	description TEXT NOT NULL, 
	facilitator_token_hash VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (code), 
	UNIQUE (facilitator_token_hash)
);
INSERT INTO events VALUES(1,'PRET7N','Rencontre 2025','Lyon','2025-03-10','2025-03-11','','932e4c8f7e508b067ab286fea949a80f2233c4ba06928187e961bbddbd38b350','2026-11-29 21:51:39.574552');
CREATE TABLE operations (
	id INTEGER NOT NULL, 
	actor VARCHAR(48) NOT NULL, 
	op_id VARCHAR(64) NOT NULL, 
	answer JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (actor, op_id)
);
INSERT INTO operations VALUES(1,'IY1pnhva5LUX9Npnqo37Hw','op-dump-0000','{"ok": true, "seq": 1, "note": {"id": 1, "column": 1, "position": 0, "text": "Premiere note", "html": "<p>Premiere note</p>", "color": "yellow", "pseudonym": "", "organisation": "", "version": 1, "created_at": "2026-11-29T21:51:39Z", "edited_at": null}}','2026-11-29 21:51:39.613412');
INSERT INTO operations VALUES(2,'IY1pnhva5LUX9Npnqo37Hw','op-dump-0001','{"ok": true, "seq": 2, "note": {"id": 2, "column": 2, "position": 0, "text": "Deuxieme **note**", "html": "<p>Deuxieme <strong>note</strong></p>", "color": "yellow", "pseudonym": "", "organisation": "", "version": 1, "created_at": "2026-11-29T21:51:39Z", "edited_at": null}}','2026-11-29 21:51:39.616944');
INSERT INTO operations VALUES(3,'IY1pnhva5LUX9Npnqo37Hw','op-dump-0002','{"ok": true, "seq": 3, "note": {"id": 3, "column": 1, "position": 1, "text": "Troisieme", "html": "<p>Troisieme</p>", "color": "yellow", "pseudonym": "", "organisation": "", "version": 1, "created_at": "2026-11-29T21:51:39Z", "edited_at": null}}','2026-11-29 21:51:39.620273');
CREATE TABLE organisations (
	id INTEGER NOT NULL, 
	event_id INTEGER NOT NULL, 
	name VARCHAR(120) NOT NULL, 
	city VARCHAR(80) NOT NULL, 
	country VARCHAR(80) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (event_id, name), 
	FOREIGN KEY(event_id) REFERENCES events (id) ON DELETE CASCADE
);
INSERT INTO organisations VALUES(1,1,'Cabiria','Lyon','');
CREATE TABLE workshops (
	id INTEGER NOT NULL, 
	event_id INTEGER NOT NULL, 
	title VARCHAR(120) NOT NULL, 
	question VARCHAR(500) NOT NULL, 
	day DATE, 
	time_slot VARCHAR(40) NOT NULL, 
	room VARCHAR(80) NOT NULL, 
	position INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(event_id) REFERENCES events (id) ON DELETE CASCADE
);
INSERT INTO workshops VALUES(1,1,'Violences en ligne','Que faire ?','2025-03-11','','',0);
CREATE TABLE boards (
	id INTEGER NOT NULL, 
	workshop_id INTEGER NOT NULL, 
	event_id INTEGER NOT NULL, 
	seq INTEGER NOT NULL, phase VARCHAR(16) DEFAULT 'collect', private BOOLEAN DEFAULT 0, locked BOOLEAN DEFAULT 0, anonymity VARCHAR(16) DEFAULT 'shown', timer_ends_at DATETIME, timer_left_ms INTEGER, timer_total_ms INTEGER, timer_locks BOOLEAN DEFAULT 0, spotlight_kind VARCHAR(8), spotlight_id INTEGER, 
	PRIMARY KEY (id), 
	UNIQUE (workshop_id), 
	FOREIGN KEY(workshop_id) REFERENCES workshops (id) ON DELETE CASCADE, 
	FOREIGN KEY(event_id) REFERENCES events (id) ON DELETE CASCADE
);
INSERT INTO boards VALUES(1,1,1,3,'collect',0,0,'shown',NULL,NULL,NULL,0,NULL,NULL);
CREATE TABLE participants (
	id VARCHAR(32) NOT NULL, 
	event_id INTEGER NOT NULL, 
	pseudonym VARCHAR(40) NOT NULL, 
	organisation_id INTEGER, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(event_id) REFERENCES events (id) ON DELETE CASCADE, 
	FOREIGN KEY(organisation_id) REFERENCES organisations (id) ON DELETE SET NULL
);
INSERT INTO participants VALUES('IY1pnhva5LUX9Npnqo37Hw',1,'',NULL,'2026-11-29 21:51:39.575359');
CREATE TABLE columns (
	id INTEGER NOT NULL, 
	board_id INTEGER NOT NULL, 
	title VARCHAR(80) NOT NULL, 
	position INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(board_id) REFERENCES boards (id) ON DELETE CASCADE
);
INSERT INTO columns VALUES(1,1,'What we see',0);
INSERT INTO columns VALUES(2,1,'What is hard',1);
INSERT INTO columns VALUES(3,1,'Ideas and proposals',2);
INSERT INTO columns VALUES(4,1,'Questions',3);
CREATE TABLE board_changes (
	id INTEGER NOT NULL, 
	board_id INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	name VARCHAR(32) NOT NULL, 
	payload JSON NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (board_id, seq), 
	FOREIGN KEY(board_id) REFERENCES boards (id) ON DELETE CASCADE
);
INSERT INTO board_changes VALUES(1,1,1,'note:added','{"board": 1, "seq": 1, "note": {"id": 1, "column": 1, "position": 0, "text": "Premiere note", "html": "<p>Premiere note</p>", "color": "yellow", "pseudonym": "", "organisation": "", "version": 1, "created_at": "2026-11-29T21:51:39Z", "edited_at": null}}');
INSERT INTO board_changes VALUES(2,1,2,'note:added','{"board": 1, "seq": 2, "note": {"id": 2, "column": 2, "position": 0, "text": "Deuxieme **note**", "html": "<p>Deuxieme <strong>note</strong></p>", "color": "yellow", "pseudonym": "", "organisation": "", "version": 1, "created_at": "2026-11-29T21:51:39Z", "edited_at": null}}');
INSERT INTO board_changes VALUES(3,1,3,'note:added','{"board": 1, "seq": 3, "note": {"id": 3, "column": 1, "position": 1, "text": "Troisieme", "html": "<p>Troisieme</p>", "color": "yellow", "pseudonym": "", "organisation": "", "version": 1, "created_at": "2026-11-29T21:51:39Z", "edited_at": null}}');
CREATE TABLE notes (
	id INTEGER NOT NULL, 
	board_id INTEGER NOT NULL, 
	column_id INTEGER NOT NULL, 
	author_id VARCHAR(32), 
	text TEXT NOT NULL, 
	color VARCHAR(16) NOT NULL, 
	position INTEGER NOT NULL, 
	pseudonym VARCHAR(40) NOT NULL, 
	organisation_id INTEGER, 
	version INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	edited_at DATETIME, group_id INTEGER REFERENCES groups(id), 
	PRIMARY KEY (id), 
	FOREIGN KEY(board_id) REFERENCES boards (id) ON DELETE CASCADE, 
	FOREIGN KEY(column_id) REFERENCES columns (id) ON DELETE CASCADE, 
	FOREIGN KEY(author_id) REFERENCES participants (id) ON DELETE SET NULL, 
	FOREIGN KEY(organisation_id) REFERENCES organisations (id) ON DELETE SET NULL
);
INSERT INTO notes VALUES(1,1,1,'IY1pnhva5LUX9Npnqo37Hw','Premiere note','yellow',0,'',NULL,1,'2026-11-29 21:51:39.607246',NULL,NULL);
INSERT INTO notes VALUES(2,1,2,'IY1pnhva5LUX9Npnqo37Hw','Deuxieme **note**','yellow',0,'',NULL,1,'2026-11-29 21:51:39.615424',NULL,NULL);
INSERT INTO notes VALUES(3,1,1,'IY1pnhva5LUX9Npnqo37Hw','Troisieme','yellow',1,'',NULL,1,'2026-11-29 21:51:39.618752',NULL,NULL);
CREATE TABLE groups (
	id INTEGER NOT NULL, 
	board_id INTEGER NOT NULL, 
	column_id INTEGER NOT NULL, 
	title VARCHAR(80) NOT NULL, 
	position INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(board_id) REFERENCES boards (id) ON DELETE CASCADE, 
	FOREIGN KEY(column_id) REFERENCES columns (id) ON DELETE CASCADE
);
CREATE TABLE votes (
	id INTEGER NOT NULL, 
	board_id INTEGER NOT NULL, 
	target VARCHAR(8) NOT NULL, 
	budget INTEGER NOT NULL, 
	cap INTEGER NOT NULL, 
	hide_results BOOLEAN NOT NULL, 
	is_open BOOLEAN NOT NULL, 
	revealed BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(board_id) REFERENCES boards (id) ON DELETE CASCADE
);
CREATE TABLE ballots (
	id INTEGER NOT NULL, 
	vote_id INTEGER NOT NULL, 
	participant_id VARCHAR(32) NOT NULL, 
	used INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (vote_id, participant_id), 
	FOREIGN KEY(vote_id) REFERENCES votes (id) ON DELETE CASCADE, 
	FOREIGN KEY(participant_id) REFERENCES participants (id) ON DELETE CASCADE
);
CREATE TABLE dots (
	id INTEGER NOT NULL, 
	vote_id INTEGER NOT NULL, 
	participant_id VARCHAR(32) NOT NULL, 
	target_id INTEGER NOT NULL, 
	count INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (vote_id, participant_id, target_id), 
	FOREIGN KEY(vote_id) REFERENCES votes (id) ON DELETE CASCADE, 
	FOREIGN KEY(participant_id) REFERENCES participants (id) ON DELETE CASCADE
);
CREATE TABLE actions (
	id INTEGER NOT NULL, 
	board_id INTEGER NOT NULL, 
	note_id INTEGER, 
	group_id INTEGER, 
	what VARCHAR(500) NOT NULL, 
	organisation_id INTEGER, 
	due_on DATE, 
	position INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(board_id) REFERENCES boards (id) ON DELETE CASCADE, 
	FOREIGN KEY(note_id) REFERENCES notes (id) ON DELETE SET NULL, 
	FOREIGN KEY(group_id) REFERENCES groups (id) ON DELETE SET NULL, 
	FOREIGN KEY(organisation_id) REFERENCES organisations (id) ON DELETE SET NULL
);
CREATE INDEX ix_organisations_event_id ON organisations (event_id);
CREATE INDEX ix_workshops_event_id ON workshops (event_id);
CREATE INDEX ix_boards_event_id ON boards (event_id);
CREATE INDEX ix_participants_event_id ON participants (event_id);
CREATE INDEX ix_columns_board_id ON columns (board_id);
CREATE INDEX ix_notes_board_id ON notes (board_id);
CREATE INDEX ix_notes_author_id ON notes (author_id);
CREATE INDEX ix_notes_column_id ON notes (column_id);
CREATE INDEX ix_groups_board_id ON groups (board_id);
CREATE INDEX ix_groups_column_id ON groups (column_id);
CREATE INDEX ix_votes_board_id ON votes (board_id);
CREATE INDEX ix_dots_vote_id ON dots (vote_id);
CREATE INDEX ix_actions_board_id ON actions (board_id);
COMMIT;
