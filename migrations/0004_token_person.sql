-- The person a committee token stands for: the member (role member) or the observer (role
-- observer). A seat's votes on a resolution are cast by the member who held it when the
-- resolution was opened, so a member token names both the seat and the person.
ALTER TABLE api_tokens ADD COLUMN person_id uuid;
