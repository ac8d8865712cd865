-- The schema of a version-1 project file (VIG Studio 0.x before the consent work),
-- dumped from sqlite_master; used to build real version-1 files in tests.
CREATE TABLE case_info (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	name TEXT NOT NULL, 
	created_on DATE NOT NULL, 
	notes TEXT NOT NULL, 
	retention_until DATE, 
	CONSTRAINT one_case CHECK (id = 1)
);
CREATE TABLE codebook (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	name TEXT NOT NULL, 
	CONSTRAINT one_codebook CHECK (id = 1)
);
CREATE TABLE participant (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	pseudonym TEXT NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	colour VARCHAR(7) NOT NULL
);
CREATE TABLE cycle (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	number INTEGER NOT NULL, 
	filmed_on DATE, 
	notes TEXT NOT NULL, 
	UNIQUE (number)
);
CREATE TABLE principle (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	code VARCHAR(64) NOT NULL, 
	name TEXT NOT NULL, 
	colour VARCHAR(7) NOT NULL, 
	shortcut VARCHAR(1) NOT NULL, 
	description TEXT NOT NULL, 
	position INTEGER NOT NULL, 
	UNIQUE (code)
);
CREATE TABLE helping_question (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	text TEXT NOT NULL, 
	agreed_on DATE NOT NULL, 
	said_by_id INTEGER, 
	position INTEGER NOT NULL, 
	FOREIGN KEY(said_by_id) REFERENCES participant (id) ON DELETE RESTRICT
);
CREATE TABLE recording (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	path TEXT NOT NULL, 
	fingerprint TEXT NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	title TEXT NOT NULL, 
	cycle_id INTEGER, 
	recorded_on DATE, 
	container TEXT NOT NULL, 
	video_codec TEXT NOT NULL, 
	width INTEGER NOT NULL, 
	height INTEGER NOT NULL, 
	rotation INTEGER NOT NULL, 
	frame_rate VARCHAR(64) NOT NULL, 
	variable_frame_rate BOOLEAN NOT NULL, 
	frame_count INTEGER NOT NULL, 
	duration VARCHAR(64) NOT NULL, 
	time_base VARCHAR(64) NOT NULL, 
	start_pts INTEGER NOT NULL, 
	audio_codec TEXT, 
	audio_sample_rate INTEGER, 
	audio_channels INTEGER, 
	truncated BOOLEAN NOT NULL, 
	frame_unit VARCHAR(64), 
	frame_pts BLOB, 
	warnings TEXT NOT NULL, 
	FOREIGN KEY(cycle_id) REFERENCES cycle (id) ON DELETE RESTRICT
);
CREATE TABLE behaviour (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	principle_id INTEGER NOT NULL, 
	name TEXT NOT NULL, 
	position INTEGER NOT NULL, 
	FOREIGN KEY(principle_id) REFERENCES principle (id) ON DELETE CASCADE
);
CREATE INDEX ix_behaviour_principle_id ON behaviour (principle_id);
CREATE TABLE reel (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	name TEXT NOT NULL, 
	cycle_id INTEGER, 
	UNIQUE (name), 
	FOREIGN KEY(cycle_id) REFERENCES cycle (id) ON DELETE RESTRICT
);
CREATE TABLE consent (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	participant_id INTEGER NOT NULL, 
	scope VARCHAR(16) NOT NULL, 
	given_on DATE NOT NULL, 
	expires_on DATE, 
	withdrawn_on DATE, 
	note TEXT NOT NULL, 
	FOREIGN KEY(participant_id) REFERENCES participant (id) ON DELETE RESTRICT
);
CREATE TABLE moment (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	recording_id INTEGER NOT NULL, 
	frame INTEGER NOT NULL, 
	principle_id INTEGER NOT NULL, 
	participant_id INTEGER, 
	behaviour_id INTEGER, 
	note TEXT NOT NULL, 
	valence VARCHAR(16) NOT NULL, 
	helping_question_id INTEGER, 
	CONSTRAINT frame_not_negative CHECK (frame >= 0), 
	FOREIGN KEY(recording_id) REFERENCES recording (id) ON DELETE RESTRICT, 
	FOREIGN KEY(principle_id) REFERENCES principle (id) ON DELETE RESTRICT, 
	FOREIGN KEY(participant_id) REFERENCES participant (id) ON DELETE RESTRICT, 
	FOREIGN KEY(behaviour_id) REFERENCES behaviour (id) ON DELETE RESTRICT, 
	FOREIGN KEY(helping_question_id) REFERENCES helping_question (id) ON DELETE RESTRICT
);
CREATE INDEX ix_moment_recording_id ON moment (recording_id);
CREATE INDEX ix_moment_principle_id ON moment (principle_id);
CREATE TABLE clip (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	recording_id INTEGER NOT NULL, 
	start INTEGER NOT NULL, 
	"end" INTEGER NOT NULL, 
	title TEXT NOT NULL, 
	caption TEXT NOT NULL, 
	sharing VARCHAR(16) NOT NULL, 
	CONSTRAINT range_not_empty CHECK (start >= 0 AND "end" > start), 
	FOREIGN KEY(recording_id) REFERENCES recording (id) ON DELETE RESTRICT
);
CREATE INDEX ix_clip_recording_id ON clip (recording_id);
CREATE TABLE still (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	recording_id INTEGER NOT NULL, 
	frame INTEGER NOT NULL, 
	caption TEXT NOT NULL, 
	CONSTRAINT frame_not_negative CHECK (frame >= 0), 
	FOREIGN KEY(recording_id) REFERENCES recording (id) ON DELETE RESTRICT
);
CREATE INDEX ix_still_recording_id ON still (recording_id);
CREATE TABLE shared_review (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	cycle_id INTEGER NOT NULL, 
	held_on DATE NOT NULL, 
	parent_reflections TEXT NOT NULL, 
	next_goal TEXT NOT NULL, 
	recording_id INTEGER, 
	FOREIGN KEY(cycle_id) REFERENCES cycle (id) ON DELETE RESTRICT, 
	FOREIGN KEY(recording_id) REFERENCES recording (id) ON DELETE RESTRICT
);
CREATE TABLE reel_item (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	reel_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	kind VARCHAR(8) NOT NULL, 
	clip_id INTEGER, 
	still_id INTEGER, 
	title_text TEXT NOT NULL, 
	caption TEXT NOT NULL, 
	burn_caption BOOLEAN NOT NULL, 
	speed VARCHAR(64) NOT NULL, 
	freeze_last VARCHAR(64) NOT NULL, 
	hold VARCHAR(64) NOT NULL, 
	FOREIGN KEY(reel_id) REFERENCES reel (id) ON DELETE CASCADE, 
	FOREIGN KEY(clip_id) REFERENCES clip (id) ON DELETE RESTRICT, 
	FOREIGN KEY(still_id) REFERENCES still (id) ON DELETE RESTRICT
);
CREATE INDEX ix_reel_item_clip_id ON reel_item (clip_id);
CREATE INDEX ix_reel_item_still_id ON reel_item (still_id);
CREATE INDEX ix_reel_item_reel_id ON reel_item (reel_id);
