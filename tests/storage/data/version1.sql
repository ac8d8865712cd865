-- A version-1 VIG Studio project file (made by VIG Studio before the shared-review
-- schema), as SQL; tests/storage/test_migration_review.py builds the file from it.
BEGIN TRANSACTION;
CREATE TABLE behaviour (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	principle_id INTEGER NOT NULL, 
	name TEXT NOT NULL, 
	position INTEGER NOT NULL, 
	FOREIGN KEY(principle_id) REFERENCES principle (id) ON DELETE CASCADE
);
INSERT INTO "behaviour" VALUES(1,1,'Looking interested with a friendly posture',0);
INSERT INTO "behaviour" VALUES(2,1,'Giving time and space',1);
INSERT INTO "behaviour" VALUES(3,1,'Turning towards',2);
INSERT INTO "behaviour" VALUES(4,1,'Wondering what the other is doing, thinking or feeling',3);
INSERT INTO "behaviour" VALUES(5,1,'Enjoying watching',4);
INSERT INTO "behaviour" VALUES(6,2,'Waiting',0);
INSERT INTO "behaviour" VALUES(7,2,'Listening actively',1);
INSERT INTO "behaviour" VALUES(8,2,'Warmth in intonation',2);
INSERT INTO "behaviour" VALUES(9,2,'Naming positively what you see, think or feel',3);
INSERT INTO "behaviour" VALUES(10,2,'Friendly or playful tone',4);
INSERT INTO "behaviour" VALUES(11,2,'Saying what you are doing',5);
INSERT INTO "behaviour" VALUES(12,2,'Looking for initiatives',6);
INSERT INTO "behaviour" VALUES(13,3,'Showing you noticed',0);
INSERT INTO "behaviour" VALUES(14,3,'Receiving with body language',1);
INSERT INTO "behaviour" VALUES(15,3,'Friendly or playful response',2);
INSERT INTO "behaviour" VALUES(16,3,'Returning eye contact, smiling, nodding',3);
INSERT INTO "behaviour" VALUES(17,3,'Receiving with words',4);
INSERT INTO "behaviour" VALUES(18,3,'Repeating the other''s words',5);
INSERT INTO "behaviour" VALUES(19,4,'Receiving and then responding',0);
INSERT INTO "behaviour" VALUES(20,4,'Checking the other understands',1);
INSERT INTO "behaviour" VALUES(21,4,'Waiting for your turn',2);
INSERT INTO "behaviour" VALUES(22,4,'Having fun',3);
INSERT INTO "behaviour" VALUES(23,4,'A second and further turn on the same topic',4);
INSERT INTO "behaviour" VALUES(24,4,'Giving and taking short turns',5);
INSERT INTO "behaviour" VALUES(25,4,'Contributing equally',6);
INSERT INTO "behaviour" VALUES(26,4,'Co-operating',7);
INSERT INTO "behaviour" VALUES(27,5,'Scaffolding',0);
INSERT INTO "behaviour" VALUES(28,5,'Extending and building on a response',1);
INSERT INTO "behaviour" VALUES(29,5,'Judging how much initiative to take',2);
INSERT INTO "behaviour" VALUES(30,5,'Giving information or help when needed',3);
INSERT INTO "behaviour" VALUES(31,5,'Offering choices the other can understand',4);
INSERT INTO "behaviour" VALUES(32,5,'Making suggestions the other can follow',5);
INSERT INTO "behaviour" VALUES(33,6,'Supporting goal setting',0);
INSERT INTO "behaviour" VALUES(34,6,'Sharing viewpoints',1);
INSERT INTO "behaviour" VALUES(35,6,'Collaborative problem solving',2);
INSERT INTO "behaviour" VALUES(36,6,'Naming differences of opinion',3);
INSERT INTO "behaviour" VALUES(37,6,'Investigating intentions behind words',4);
INSERT INTO "behaviour" VALUES(38,6,'Naming contradictions',5);
INSERT INTO "behaviour" VALUES(39,6,'Reaching new shared understanding',6);
INSERT INTO "behaviour" VALUES(40,6,'Managing conflict back to calm',7);
CREATE TABLE case_info (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	name TEXT NOT NULL, 
	created_on DATE NOT NULL, 
	notes TEXT NOT NULL, 
	retention_until DATE, 
	CONSTRAINT one_case CHECK (id = 1)
);
INSERT INTO "case_info" VALUES(1,'Family V1','2026-01-05','',NULL);
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
INSERT INTO "clip" VALUES(1,1,10,60,'Turn taking','','undecided');
CREATE TABLE codebook (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	name TEXT NOT NULL, 
	CONSTRAINT one_codebook CHECK (id = 1)
);
INSERT INTO "codebook" VALUES(1,'VIG principles of attuned interaction and guidance');
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
CREATE TABLE cycle (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	number INTEGER NOT NULL, 
	filmed_on DATE, 
	notes TEXT NOT NULL, 
	UNIQUE (number)
);
INSERT INTO "cycle" VALUES(1,1,'2026-01-10','play');
CREATE TABLE helping_question (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	text TEXT NOT NULL, 
	agreed_on DATE NOT NULL, 
	said_by_id INTEGER, 
	position INTEGER NOT NULL, 
	FOREIGN KEY(said_by_id) REFERENCES participant (id) ON DELETE RESTRICT
);
INSERT INTO "helping_question" VALUES(1,'I want us to have fun together','2026-01-05',2,0);
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
INSERT INTO "moment" VALUES(1,1,20,3,2,NULL,'','strength',NULL);
CREATE TABLE participant (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	pseudonym TEXT NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	colour VARCHAR(7) NOT NULL
);
INSERT INTO "participant" VALUES(1,'Sam','person','#E8A33D');
INSERT INTO "participant" VALUES(2,'Alex','partner','#3D8FE8');
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
INSERT INTO "principle" VALUES(1,'attentive','Being attentive','#4E9A8C','1','The base of every exchange: noticing the other and showing interest.',0);
INSERT INTO "principle" VALUES(2,'encouraging','Encouraging initiatives','#E0A43A','2','Making room for the other to start something.',1);
INSERT INTO "principle" VALUES(3,'receiving','Receiving initiatives','#D9705A','3','Showing the other that their initiative was noticed and welcome.',2);
INSERT INTO "principle" VALUES(4,'attuned','Developing attuned interactions','#6C8FD6','4','Initiative, reception and response building into turn-taking.',3);
INSERT INTO "principle" VALUES(5,'guiding','Guiding','#9B72C4','5','Leading while staying attuned: scaffolding the other''s next step.',4);
INSERT INTO "principle" VALUES(6,'deepening','Deepening discussion','#C4668E','6','Talking things through together towards shared understanding.',5);
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
INSERT INTO "recording" VALUES(1,'media/family.mp4','1234:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb','family_film','',NULL,NULL,'mp4','h264',640,360,0,'25/1',0,250,'10/1','1/12800',0,'aac',48000,1,0,NULL,NULL,'[]');
CREATE TABLE reel (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	name TEXT NOT NULL, 
	cycle_id INTEGER, 
	UNIQUE (name), 
	FOREIGN KEY(cycle_id) REFERENCES cycle (id) ON DELETE RESTRICT
);
INSERT INTO "reel" VALUES(1,'Cycle 1',1);
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
INSERT INTO "reel_item" VALUES(1,1,0,'clip',1,NULL,'','',0,'1/1','0/1','4/1');
INSERT INTO "reel_item" VALUES(2,1,1,'still',NULL,1,'','',0,'1/1','0/1','4/1');
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
INSERT INTO "shared_review" VALUES(1,1,'2026-01-20','She waited for me','More waiting',NULL);
CREATE TABLE still (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	recording_id INTEGER NOT NULL, 
	frame INTEGER NOT NULL, 
	caption TEXT NOT NULL, 
	CONSTRAINT frame_not_negative CHECK (frame >= 0), 
	FOREIGN KEY(recording_id) REFERENCES recording (id) ON DELETE RESTRICT
);
INSERT INTO "still" VALUES(1,1,40,'Eye contact');
CREATE INDEX ix_behaviour_principle_id ON behaviour (principle_id);
CREATE INDEX ix_moment_recording_id ON moment (recording_id);
CREATE INDEX ix_moment_principle_id ON moment (principle_id);
CREATE INDEX ix_clip_recording_id ON clip (recording_id);
CREATE INDEX ix_still_recording_id ON still (recording_id);
CREATE INDEX ix_reel_item_clip_id ON reel_item (clip_id);
CREATE INDEX ix_reel_item_still_id ON reel_item (still_id);
CREATE INDEX ix_reel_item_reel_id ON reel_item (reel_id);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('case_info',1);
INSERT INTO "sqlite_sequence" VALUES('codebook',1);
INSERT INTO "sqlite_sequence" VALUES('principle',6);
INSERT INTO "sqlite_sequence" VALUES('behaviour',40);
INSERT INTO "sqlite_sequence" VALUES('participant',2);
INSERT INTO "sqlite_sequence" VALUES('helping_question',1);
INSERT INTO "sqlite_sequence" VALUES('cycle',1);
INSERT INTO "sqlite_sequence" VALUES('recording',1);
INSERT INTO "sqlite_sequence" VALUES('moment',1);
INSERT INTO "sqlite_sequence" VALUES('clip',1);
INSERT INTO "sqlite_sequence" VALUES('still',1);
INSERT INTO "sqlite_sequence" VALUES('reel',1);
INSERT INTO "sqlite_sequence" VALUES('reel_item',2);
INSERT INTO "sqlite_sequence" VALUES('shared_review',1);
COMMIT;
